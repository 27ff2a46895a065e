#!/usr/bin/env node
// Rebuilds BENCHMARKS.md from bench/results/*.md (each bench writes its own section there), so the
// figures in BENCHMARKS.md are exactly what the last `npm run bench` printed.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const order = ['unseen-content', 'detection-throughput', 'mining-throughput', 'loghub-accuracy', 'detection-incidents', 'no-incident', 'detection-hdfs', 'nats', 'tui'];
const rank = (f) => {
  const i = order.findIndex((p) => f.startsWith(p));
  return i === -1 ? order.length : i;
};
const files = readdirSync(join(here, 'results'))
  .filter((f) => f.endsWith('.md'))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const head = `# Benchmarks

Every figure below comes from \`npm run bench\` (or the single command under each table) on this project's
machine: 2 cores, Node 20, shared with other work, so each speed figure is a median over repeated runs and is
reported next to a baseline measured in the same run (plain line reading for throughput). Regenerate this file with
\`npm run bench\` (it ends by running \`node bench/collect.mjs\`).

`;
const body = files.map((f) => readFileSync(join(here, 'results', f), 'utf8').trim().replace(/^# /, '## ')).join('\n\n');
writeFileSync(join(here, '..', 'BENCHMARKS.md'), head + body.replace(/\n# /g, '\n## ') + '\n');
console.log(`BENCHMARKS.md: ${files.length} sections`);
