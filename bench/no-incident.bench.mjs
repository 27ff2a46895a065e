#!/usr/bin/env node
// No incident: baseline and target from the same source, its earlier and later half in time, so
// every finding is a false alarm. Sources: each Loghub-2k system, real server logs of this machine
// (the excerpts in test/fixtures/real-logs/ and, when readable, the live files under /var/log),
// and a long multi-style generated log.
//
//   npm run build && node bench/no-incident.bench.mjs        # BENCH_GEN_HOURS=12 for a quicker run (default 24)
//
// Goal (issue 11): no finding of medium or above; at most 1 finding per 100,000 target lines.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLoghubSettings } from '../dist/detector/eval/loghub.js';
import { readParsed, noIncidentRun } from '../dist/detector/eval/no-incident.js';
import { REAL_LOGS } from '../dist/detector/eval/real-logs.js';
import { DEFAULT_DETECTION_CONFIG } from '../dist/detector/defaults.js';
import { generateLogs } from '../scripts/lib/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SHARED = join(here, '..', '..', 'shared', 'data', 'loghub-2k');
const FIXTURES = join(here, '..', 'test', 'fixtures', 'real-logs');
const config = DEFAULT_DETECTION_CONFIG;
const rows = [];
const detail = [];
const kinds = new Map();

async function one(group, name, lines, masks = []) {
  const t0 = performance.now();
  const r = await noIncidentRun(lines, config, masks);
  const ms = performance.now() - t0;
  const bySev = (s) => r.findings.filter((a) => a.severity === s).length;
  rows.push({ group, name, base: r.baselineLines, target: r.targetLines, findings: r.findings.length, serious: r.serious.length, info: bySev('info'), low: bySev('low'), ms, notes: r.notes.map((n) => n.split(':')[0]) });
  for (const a of r.serious) detail.push(`${group}/${name}: ${a.severity} ${a.kind} \`${a.template.slice(0, 70).replace(/[`|]/g, '')}\`: ${a.explanation.replace(/[`|]/g, '')}`);
  for (const a of r.findings) kinds.set(`${a.severity} ${a.kind}`, (kinds.get(`${a.severity} ${a.kind}`) ?? 0) + 1);
}

if (existsSync(SHARED)) {
  for (const sys of loadLoghubSettings(SHARED)) {
    await one('loghub-2k', sys.name, readParsed(sys.logFile, { type: 'loghub', pattern: sys.logFormat }, sys.name), sys.regex);
  }
} else console.log(`loghub-2k skipped: ${SHARED} not found`);

for (const src of REAL_LOGS) {
  const fixture = join(FIXTURES, src.fixture);
  if (existsSync(fixture)) await one('fixture', src.fixture, readParsed(fixture, src.format, src.name));
  if (src.live && existsSync(src.live)) {
    try {
      await one('live', src.live, readParsed(src.live, src.format, src.name));
    } catch (err) {
      console.log(`live ${src.live} skipped: ${err.message}`);
    }
  }
}

// The project's generator, in its two styles (text lines and JSON lines), 4 services each.
const hours = Number(process.env.BENCH_GEN_HOURS ?? 24);
for (const [format, seed] of [['text', 7], ['json', 8]]) {
  const work = await mkdtemp(join(tmpdir(), 'bench-no-incident-'));
  try {
    const truth = await generateLogs({ out: work, seed, format, rate: 10, start: '2026-11-24T00:00:00Z', durationMs: hours * 3600_000, lines: Infinity });
    const lines = [];
    for (const f of readdirSync(work).filter((f) => /\.(log|jsonl|ndjson)$/.test(f)).sort()) {
      for (const l of readParsed(join(work, f), truth.format, f.replace(/\.\w+$/, ''))) lines.push(l);
    }
    await one('generated', `${hours} h, 4 services, ${format}`, lines);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const per100k = (n, d) => ((n / Math.max(1, d)) * 100_000).toFixed(0);
const out = ['# No incident: first half as baseline, second half as target', ''];
out.push('Each source split in time into equal halves; nothing happened between them, so every finding is a false alarm. Goal (issue 11): no finding of medium or above, at most 1 finding per 100,000 target lines. Default thresholds (5-minute buckets).', '');
out.push('| group | sources | target lines | findings | medium+ | findings per 100k target lines |', '| --- | ---: | ---: | ---: | ---: | ---: |');
for (const g of [...new Set(rows.map((r) => r.group))]) {
  const rs = rows.filter((r) => r.group === g);
  const target = rs.reduce((s, r) => s + r.target, 0);
  const findings = rs.reduce((s, r) => s + r.findings, 0);
  out.push(`| ${g} | ${rs.length} | ${target.toLocaleString('en-US')} | ${findings} | ${rs.reduce((s, r) => s + r.serious, 0)} | ${per100k(findings, target)} |`);
}
out.push('', 'Per source (notices: what the run said it could not judge, see docs/detection.md):', '');
out.push('| group | source | baseline lines | target lines | findings | medium+ | notices |', '| --- | --- | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) out.push(`| ${r.group} | ${r.name} | ${r.base.toLocaleString('en-US')} | ${r.target.toLocaleString('en-US')} | ${r.findings} | ${r.serious} | ${r.notes.join(', ')} |`);
out.push('', `Findings by severity and kind: ${[...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`);
if (detail.length) out.push('', 'Medium and above:', '', ...detail.map((d) => `- ${d}`));
out.push('', 'Command: `npm run build && node bench/no-incident.bench.mjs` (BENCH_GEN_HOURS=N hours of generated log, default 24; the live /var/log files are read when present).', '');
await mkdir(join(here, 'results'), { recursive: true });
await writeFile(join(here, 'results', 'no-incident.md'), out.join('\n'));
process.stdout.write(out.join('\n'));
