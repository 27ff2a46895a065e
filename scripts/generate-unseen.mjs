#!/usr/bin/env node
// The benchmark corpus of log styles the miner was not tuned on (free text, JSON lines, nginx
// access log, Java/Python traces), deterministic and made from nothing but a seed.
//
//   node scripts/generate-unseen.mjs --out DIR [--lines 300000] [--seed 1] [--start ISO] [--rate 50]
//
// Writes DIR/free-text.log, events.jsonl, access.log, traces.log and corpus.json (each file's --format).
import { parseArgs } from 'node:util';
import { generateUnseen } from './lib/generate-unseen.mjs';

try {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, lines: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' }, rate: { type: 'string' } },
  });
  if (!values.out) throw new Error('--out DIR is required');
  const num = (name, v, d) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer, got "${v}"`);
    return n;
  };
  const m = await generateUnseen({ out: values.out, lines: num('lines', values.lines, 300_000), seed: num('seed', values.seed, 1), start: values.start, rate: num('rate', values.rate, 50) });
  for (const f of m.files) process.stdout.write(`${f.file}\t${f.lines} lines\t--format '${f.format}'\n`);
} catch (err) {
  process.stderr.write(`generate-unseen: ${err.message}\n`);
  process.exitCode = 2;
}
