#!/usr/bin/env node
// Builds dist/ (tsc, then the CLI bundle: what `npm run build` does) only when a source or build
// setting is newer than the built CLI, so `npm start` on a built tree starts in well under a second
// instead of paying 8-24 s of tsc.
// Used by `npm start` (scripts/start.mjs) and by the test suite's global setup.
//   node scripts/build-if-stale.mjs          build if stale, say which file made it stale
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');

/** The newest file under `path` (a file or a folder), as [mtimeMs, path]. */
function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return [st.mtimeMs, path];
  let best = [0, path];
  for (const name of readdirSync(path)) {
    const n = newest(join(path, name));
    if (n[0] > best[0]) best = n;
  }
  return best;
}

/** Why dist/ must be rebuilt, or null when it is up to date. */
export function staleReason() {
  if (!existsSync(built)) return 'dist/ is not built yet';
  const builtAt = statSync(built).mtimeMs;
  for (const input of ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/bundle-cli.mjs']) {
    const [mtime, file] = newest(join(root, input));
    if (mtime > builtAt) return `${relative(root, file)} is newer than dist/`;
  }
  return null;
}

/**
 * Runs tsc and the CLI bundler when dist/ is stale; false when tsc failed (it still emits, so
 * dist/ may be usable: the bundler still runs, and tsc's unbundled CLI works too if it fails).
 */
export function buildIfStale() {
  const why = staleReason();
  if (why === null) return true;
  process.stderr.write(`build: ${why}; running tsc and the CLI bundler\n`);
  let ok = true;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  } catch {
    ok = false;
  }
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs')], { cwd: root, stdio: 'inherit' });
  } catch {
    ok = false;
  }
  return ok;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && !buildIfStale()) process.exitCode = 1;
