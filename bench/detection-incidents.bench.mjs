#!/usr/bin/env node
// Incident detection: generator baselines and windows with injected incidents of every kind;
// precision and recall of the detector against the generator's ground truth, and false alarms per
// 100,000 normal lines (on the incident windows and on clean windows with no incident at all).
//
//   npm run build && node bench/detection-incidents.bench.mjs      # BENCH_SEEDS=5 for more runs
//
// Matching: a finding is a true positive when its time span overlaps an incident window (plus one
// bucket of slack: a 5-minute bucket can start before the incident) and it is of the incident's
// kind or names a template the incident affects (the ground truth lists them as regexes); every
// other finding is a false alarm. An incident is found when a finding of its own kind matches it.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLogs } from '../scripts/lib/generate.mjs';
import { INCIDENT_KINDS } from '../scripts/lib/incidents.mjs';
import { runDetector, fileSource, mergeSources } from '../dist/detector/index.js';
import { createLineParser } from '../dist/detector/format/index.js';
import { DEFAULT_DETECTION_CONFIG } from '../dist/detector/defaults.js';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];
const RATES = (process.env.BENCH_RATES ?? '20,5').split(',').map(Number);
const seeds = Array.from({ length: Number(process.env.BENCH_SEEDS ?? 3) }, (_, i) => i + 1);
const HOUR = 3600_000;
const config = DEFAULT_DETECTION_CONFIG;
const slack = config.thresholds.bucketSeconds * 1000;

async function scenario(RATE) {
  const work = await mkdtemp(join(tmpdir(), 'bench-incidents-'));
  const perKind = Object.fromEntries(INCIDENT_KINDS.map((k) => [k, { injected: 0, found: 0 }]));
  let tp = 0, fp = 0, normalLines = 0, cleanFp = 0, cleanLines = 0;
  const falseAlarms = [];
  try {
    for (const seed of seeds) {
      const base = join(work, `b${seed}`);
      const win = join(work, `w${seed}`);
      const clean = join(work, `c${seed}`);
      await generateLogs({ out: base, seed: seed * 100, rate: RATE, start: '2026-11-26T02:00:00Z', durationMs: 6 * HOUR, lines: Infinity });
      const truth = await generateLogs({ out: win, seed: seed * 100 + 1, rate: RATE, start: '2026-11-26T08:00:00Z', durationMs: 3 * HOUR, lines: Infinity, incidents: INCIDENT_KINDS, incidentMinutes: 20 });
      await generateLogs({ out: clean, seed: seed * 100 + 2, rate: RATE, start: '2026-11-26T08:00:00Z', durationMs: 3 * HOUR, lines: Infinity });
      const parser = createLineParser(truth.format);
      const src = (dir) => [mergeSources(SERVICES.map((s) => fileSource(join(dir, `${s}.log`), parser)))];
      const learned = await runDetector([], { config, baselineSources: src(base), sessionKey: truth.sessionKey, orderedInput: true });
      const opts = { config, model: learned.model, sessionKey: truth.sessionKey, orderedInput: true };

      const r = await runDetector(src(win), opts);
      const incidents = truth.incidents.map((i) => ({ ...i, from: Date.parse(i.start), to: Date.parse(i.end), re: i.affects.map((a) => new RegExp(a)) }));
      normalLines += r.doc.input.lines - incidents.reduce((s, i) => s + i.injectedLines, 0);
      const overlaps = (a, i) => (a.lastSeen ?? a.firstSeen ?? 0) >= i.from - slack && (a.firstSeen ?? 0) < i.to + slack;
      const related = (a, i) => a.kind === i.kind || i.re.some((re) => re.test(a.template) || a.samples.some((s) => re.test(s.line)));
      for (const a of r.doc.anomalies) {
        if (incidents.some((i) => overlaps(a, i) && related(a, i))) tp++;
        else {
          fp++;
          falseAlarms.push(`seed ${seed}: ${a.kind} ${a.template} (${a.explanation})`);
        }
      }
      for (const i of incidents) {
        perKind[i.kind].injected++;
        if (r.doc.anomalies.some((a) => a.kind === i.kind && overlaps(a, i))) perKind[i.kind].found++;
      }
      const c = await runDetector(src(clean), opts);
      cleanLines += c.doc.input.lines;
      cleanFp += c.doc.anomalies.length;
      for (const a of c.doc.anomalies) falseAlarms.push(`seed ${seed} (clean window): ${a.kind} ${a.template} (${a.explanation})`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  const injected = Object.values(perKind).reduce((s, k) => s + k.injected, 0);
  const found = Object.values(perKind).reduce((s, k) => s + k.found, 0);
  const per100k = (n, d) => ((n / Math.max(1, d)) * 100_000).toFixed(2);
  return [
    `${seeds.length} scenario(s) (seeds ${seeds.join(', ')}): each a 6-hour normal baseline, a 3-hour window with one 20-minute incident of every kind, and a clean 3-hour window; ${RATE} lines/s on average (diurnal), 4 services, session key \`req=<id>\`, default thresholds (5-minute buckets).`,
    '',
    '| kind | injected | found (same kind) |',
    '|---|---|---|',
    ...INCIDENT_KINDS.map((k) => `| ${k} | ${perKind[k].injected} | ${perKind[k].found} |`),
    `| **all** | ${injected} | **${found}** (recall ${(found / injected).toFixed(3)}) |`,
    '',
    `Findings in incident windows: ${tp + fp}, of which ${tp} related to an injected incident: **precision ${(tp / Math.max(1, tp + fp)).toFixed(3)}**.`,
    `False alarms: ${fp} in ${normalLines.toLocaleString('en-US')} normal lines of the incident windows (**${per100k(fp, normalLines)} per 100,000**); ${cleanFp} in ${cleanLines.toLocaleString('en-US')} lines of clean windows (**${per100k(cleanFp, cleanLines)} per 100,000**).`,
    'Goal: every injected incident found, at most 1 false alarm per 100,000 normal lines.',
    '',
    ...(falseAlarms.length ? ['False alarms, verbatim:', '', ...falseAlarms.map((f) => `- ${f.replace(/\|/g, '\\|')}`), ''] : []),
  ].join('\n');

}

const sections = [];
for (const rate of RATES) sections.push(`## ${rate} lines/s\n\n` + (await scenario(rate)));
const out = [
  '# Incident detection on generated logs',
  '',
  ...sections,
  'Command: `npm run build && node bench/detection-incidents.bench.mjs` (BENCH_SEEDS=N scenarios per rate, BENCH_RATES=20,5 average lines/s).',
  '',
].join('\n');
await mkdir(join(here, 'results'), { recursive: true });
await writeFile(join(here, 'results', 'detection-incidents.md'), out);
process.stdout.write(out);
