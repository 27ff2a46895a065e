#!/usr/bin/env node
// Runs every bench/*.bench.mjs in turn (each prints a markdown section and writes
// bench/results/<name>.md), so `npm run bench` reproduces every figure in BENCHMARKS.md.
// `npm run bench -- loghub` runs only the benches whose file name contains "loghub".
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filter.length === 0 || filter.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n## ${f}\n\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`(bench ${f} exited ${r.status})\n`);
  }
}
spawnSync(process.execPath, [join(here, 'collect.mjs')], { stdio: 'inherit' });
process.exit(failed ? 1 : 0);
