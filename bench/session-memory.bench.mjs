#!/usr/bin/env node
// Peak memory of detection with a session key (issue 11: <= 150 MB at 10M lines), next to the same
// run without one and, with BENCH_COMPARE_DIST, another build's, interleaved in the same run. Each
// run is detection-throughput.bench.mjs's child (a fresh process: baseline learned from 600,000
// lines, then detection) and its peak RSS is the process's maxRSS, baseline phase included.
//
//   npm run build && node bench/session-memory.bench.mjs                  # 1M lines, 3 runs
//   BENCH_10M=1 node bench/session-memory.bench.mjs                       # also 10M lines (1 run unless BENCH_RUNS, ~1.1 GB of logs)
//   BENCH_COMPARE_DIST=/path/to/other/dist ...   BENCH_DATA=DIR (reuse DIR/baseline, DIR/n1000000, ...)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// 10M lines take minutes a run: one unless BENCH_RUNS is given
const RUNS_10M = Number(process.env.BENCH_RUNS ?? 1);
const compare = process.env.BENCH_COMPARE_DIST ?? null;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function child(mode, dir, baseDir, dist) {
  const env = dist ? { ...process.env, BENCH_DIST: dist } : process.env;
  const r = spawnSync(process.execPath, [join(here, 'detection-throughput.bench.mjs'), '--child', mode, dir, baseDir], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function main() {
  const { generateLogs } = await import('../scripts/lib/generate.mjs');
  const work = process.env.BENCH_DATA ?? (await mkdtemp(join(tmpdir(), 'bench-sessmem-')));
  const rows = [];
  try {
    const baseDir = join(work, 'baseline');
    if (!existsSync(baseDir)) await generateLogs({ out: baseDir, lines: 600_000, rate: 100, seed: 2, start: '2026-11-26T06:20:00Z' });
    for (const n of [1_000_000, ...(process.env.BENCH_10M === '1' ? [10_000_000] : [])]) {
      const dir = join(work, `n${n}`);
      if (!existsSync(dir)) await generateLogs({ out: dir, lines: n, rate: 100, seed: 1, start: '2026-11-26T08:00:00Z', incidents: ['frequency_spike', 'new_template'] });
      const cases = [['sessions', null], ['detect', null], ...(compare ? [['sessions', compare]] : [])];
      const xs = cases.map(() => []);
      for (let r = 0; r < (n >= 10_000_000 ? RUNS_10M : RUNS); r++) cases.forEach(([mode, dist], i) => xs[i].push(child(mode, dir, baseDir, dist)));
      rows.push({ n, cells: xs.map((runs) => ({ rss: median(runs.map((x) => x.maxRssMb)), cps: median(runs.map((x) => (x.lines / x.cpuMs) * 1000)), all: runs.map((x) => Math.round(x.maxRssMb)), anomalies: runs[0].anomalies, findings: [...new Set(runs.map((x) => x.findings))] })) });
    }
  } finally {
    if (!process.env.BENCH_DATA) await rm(work, { recursive: true, force: true });
  }
  const out = [
    '# Memory with a session key',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}; Node ${process.version}; machine shared with other work). Input and runs as in "Detection throughput and memory" (repo generator, baseline learned from the 600,000 lines before, in the same process), session key \`req=([0-9a-f]{16})\`. Peak RSS is the whole process's maxRSS, median of the runs shown. Lines per CPU-second: the whole process.`,
    '',
    `| lines | **peak RSS, session key** | runs (MB) | lines per CPU-second | peak RSS, no session key | anomalies${compare ? ' | peak RSS, session key, BENCH_COMPARE_DIST | runs (MB) | its lines per CPU-second' : ''} |`,
    `|---|---|---|---|---|---${compare ? '|---|---|---' : ''}|`,
    ...rows.map(({ n, cells: [s, d, c] }) => `| ${fmt(n)} | **${fmt(s.rss)} MB** | ${s.all.join(', ')} | ${fmt(s.cps)} | ${fmt(d.rss)} MB | ${s.anomalies} / ${d.anomalies}${c ? ` | ${fmt(c.rss)} MB | ${c.all.join(', ')} | ${fmt(c.cps)}` : ''} |`),
    '',
    ...rows.map(({ n, cells: [s, d, c] }) => `Findings at ${fmt(n)} lines (sha256 of the anomalies as JSON, samples included; one value per distinct output across the runs): session key ${s.findings.join(', ')}; no session key ${d.findings.join(', ')}${c ? `; BENCH_COMPARE_DIST with the session key ${c.findings.join(', ')}: ${c.findings.join() === s.findings.join() ? 'identical' : '**different**'}` : ''}.`),
    '',
    'Goal (issue 11): peak RSS <= 150 MB at 10M lines with a session key.',
    '',
    'Command: `npm run build && BENCH_10M=1 node bench/session-memory.bench.mjs` (`BENCH_RUNS` (10M: 1 unless given), `BENCH_COMPARE_DIST`, `BENCH_DATA` to change).',
    '',
  ].join('\n');
  await mkdir(join(here, 'results'), { recursive: true });
  await writeFile(join(here, 'results', 'session-memory.md'), out);
  process.stdout.write(out);
}

await main();
