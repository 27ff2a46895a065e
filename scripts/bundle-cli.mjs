#!/usr/bin/env node
// The second half of `npm run build`: bundles the CLI that tsc emitted (dist/cli/main.js and what it
// imports) into dist/cli/main.js plus one chunk per lazily imported command family
// (dist/cli/chunk-*.js), so a command loads a few files instead of ~80 (issue 11: start-up; figures
// in BENCHMARKS.md). Packages stay external, loaded from node_modules as before. The library
// (dist/index.js) and the rest of dist/ are tsc's output, untouched. Source maps chain through tsc's
// maps to src/*.ts, so `node --enable-source-maps` still shows src positions in stack traces.
//   node scripts/bundle-cli.mjs        (after tsc -p tsconfig.build.json)
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cliDir = join(dist, 'cli');
const entry = join(cliDir, 'main.js');
const BANNER = '// bundled by scripts/bundle-cli.mjs from tsc output; sources in src/';

if (readFileSync(entry, 'utf8').includes(BANNER)) {
  // Bundling the bundle would lose the per-command chunks: tsc must write its entry first.
  console.error('bundle-cli: dist/cli/main.js is already a bundle; run `npm run build` (tsc, then this)');
  process.exit(1);
}
for (const f of readdirSync(cliDir)) if (f.startsWith('chunk-')) rmSync(join(cliDir, f));

/** Reads tsc's output with its source map, so the bundle's maps lead back to src/. */
const tscMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.startsWith(dist + '/') || !id.endsWith('.js')) return null;
    const code = readFileSync(id, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    const mapFile = `${id}.map`;
    return existsSync(mapFile) ? { code, map: readFileSync(mapFile, 'utf8') } : { code };
  },
};

await build({
  input: { main: entry },
  platform: 'node',
  // Packages load from node_modules as they did: only our own files are bundled.
  external: (id) => !id.startsWith('.') && !isAbsolute(id),
  plugins: [tscMaps],
  logLevel: 'warn',
  output: {
    dir: cliDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunk-[name]-[hash].js',
    sourcemap: true,
    // rolldown keeps the entry's #!/usr/bin/env node line first
    banner: BANNER,
  },
});
