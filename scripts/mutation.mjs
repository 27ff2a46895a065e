#!/usr/bin/env node
/**
 * `npm run test:mutation [-- AREA...] [-- stryker flags]`: StrykerJS over one area at a time
 * (default: every area in stryker.config.mjs), each with its own test files and incremental file,
 * so a rerun tests only the mutants whose code or covering tests changed.
 * `npm run test:mutation -- machines --force` retests every mutant of src/machines;
 * `-- detector` runs every detector-* area.
 */
import { spawnSync } from 'node:child_process';
import { AREAS } from '../stryker.config.mjs';

const args = process.argv.slice(2);
// An area, or the prefix of split ones: `detector` is every detector-* area.
const areasOf = (a) => (a in AREAS ? [a] : Object.keys(AREAS).filter((k) => k.startsWith(`${a}-`)));
const named = args.flatMap(areasOf);
const flags = args.filter((a) => areasOf(a).length === 0);
const stray = flags.filter((a) => /^[a-z-]+$/.test(a) && !a.startsWith('-'));
if (stray.length > 0) {
  console.error(`unknown area(s): ${stray.join(', ')}; areas: ${Object.keys(AREAS).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const area of named.length > 0 ? named : Object.keys(AREAS)) {
  console.log(`\n== mutation testing: ${area} ==`);
  const r = spawnSync('npx', ['stryker', 'run', ...flags], { stdio: 'inherit', env: { ...process.env, MUTATION_AREA: area } });
  if (r.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
