#!/usr/bin/env node
// For one Loghub-2k system: the lines whose template differs from the Loghub-2.0 corrected ground
// truth (lh2), grouped by ground-truth template, with ours beside it, largest losses first.
//   npm run build && node bench/loghub-template-diff.mjs Mac [max-groups]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLineParser } from '../dist/detector/format/index.js';
import { createMiner } from '../dist/detector/miner/index.js';
import { compileMasks } from '../dist/detector/mask/index.js';
import { loadLoghubSettings, loadTruth, truthFiles } from '../dist/detector/eval/loghub.js';

const here = dirname(fileURLToPath(import.meta.url));
const SHARED = process.env.SHARED_DATA ?? join(here, '..', '..', 'shared', 'data');
const [name, maxArg] = process.argv.slice(2);
const max = Number(maxArg ?? 40);
const sys = loadLoghubSettings(join(SHARED, 'loghub-2k')).find((s) => s.name === name);
if (!sys) throw new Error(`no system ${name}`);
const parse = createLineParser({ type: 'loghub', pattern: sys.logFormat });
const miner = createMiner({ masks: compileMasks(sys.regex), masksGroupOnly: true });
const idx = [];
const contents = [];
for (const line of readFileSync(sys.logFile, 'utf8').split('\n')) {
  const p = parse(line);
  if (p === null) continue;
  miner.add(p.content);
  idx.push(miner.lastIndex);
  contents.push(p.content);
}
const ours = idx.map((i) => miner.templateAt(i));
const truth = loadTruth(truthFiles(SHARED, sys.name).lh2).templates;
const groups = new Map();
for (let i = 0; i < ours.length; i++) {
  if (ours[i] === truth[i]) continue;
  let g = groups.get(truth[i]);
  if (!g) groups.set(truth[i], (g = { n: 0, ours: new Map(), sample: contents[i] }));
  g.n++;
  g.ours.set(ours[i], (g.ours.get(ours[i]) ?? 0) + 1);
}
const sorted = [...groups.entries()].sort((a, b) => b[1].n - a[1].n);
const lost = sorted.reduce((a, [, g]) => a + g.n, 0);
console.log(`${name}: ${lost} of ${ours.length} lines differ, ${sorted.length} truth templates`);
for (const [t, g] of sorted.slice(0, max)) {
  console.log(`\n[${g.n}] gt:   ${t}`);
  for (const [o, k] of g.ours) console.log(`  ${k} ours: ${o}`);
  console.log(`     line: ${g.sample}`);
}
