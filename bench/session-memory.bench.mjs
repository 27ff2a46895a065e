#!/usr/bin/env node
// Peak memory of detection with a session key (issue 11: <= 150 MB at 10M lines), next to the same
// run without one and, with BENCH_COMPARE_DIST, another build's, interleaved in the same run. Each
// run is detection-throughput.bench.mjs's child (a fresh process: baseline learned from 600,000
// lines, then detection) and its peak RSS is the process's maxRSS, baseline phase included.
//
//   npm run build && node bench/session-memory.bench.mjs                  # 1M lines, 3 runs
//   BENCH_10M=1 node bench/session-memory.bench.mjs                       # also 10M lines (1 run unless BENCH_RUNS, ~1.1 GB of logs)
//   BENCH_COMPARE_DIST=/path/to/other/dist ...   BENCH_DATA=DIR (reuse DIR/baseline, DIR/n1000000, ...)
//   BENCH_CASES=cli ...                                                 # the detect command instead (baseline learned in the same process)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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
const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';
const SESSION_KEY = 'req=([0-9a-f]{16})';
// BENCH_CASES=cli: only the detect command (this build and BENCH_COMPARE_DIST's); default: the library cases
const CLI_ONLY = process.env.BENCH_CASES === 'cli';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

// `cli`: the detect command as a user runs it (baseline learned and target read in one process)
function cli(dir, baseDir, dist) {
  const files = (d) => SERVICES.map((s) => join(d, `${s}.log`));
  const main = join(dist ?? join(here, '..', 'dist'), 'cli', 'main.js');
  const args = ['--import', join(here, 'lib', 'max-rss.mjs'), main, 'detect', ...files(dir), '--format', FORMAT, '--session-key', SESSION_KEY, '--json', '-q', '--baseline', ...files(baseDir)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`);
  const usage = JSON.parse(r.stderr.split('BENCH_USAGE ').pop());
  const doc = JSON.parse(r.stdout);
  const findings = createHash('sha256').update(JSON.stringify(doc.anomalies)).digest('hex').slice(0, 16);
  return { lines: doc.input.lines, anomalies: doc.anomalies.length, findings, ...usage };
}

function child(mode, dir, baseDir, dist) {
  if (mode === 'cli') return cli(dir, baseDir, dist);
  const env = dist ? { ...process.env, BENCH_DIST: dist } : process.env;
  const r = spawnSync(process.execPath, [join(here, 'detection-throughput.bench.mjs'), '--child', mode, dir, baseDir], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// cells in case order: this build with the session key, without one (library cases only), BENCH_COMPARE_DIST
const named = (cells) => ({ s: cells[0], d: CLI_ONLY ? null : cells[1], c: compare ? cells[cells.length - 1] : null });

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
      const mode = CLI_ONLY ? 'cli' : 'sessions';
      const cases = [[mode, null], ...(CLI_ONLY ? [] : [['detect', null]]), ...(compare ? [[mode, compare]] : [])];
      const xs = cases.map(() => []);
      for (let r = 0; r < (n >= 10_000_000 ? RUNS_10M : RUNS); r++) cases.forEach(([mode, dist], i) => xs[i].push(child(mode, dir, baseDir, dist)));
      rows.push({ n, ...named(xs.map((runs) => ({ rss: median(runs.map((x) => x.maxRssMb)), cps: median(runs.map((x) => (x.lines / x.cpuMs) * 1000)), all: runs.map((x) => Math.round(x.maxRssMb)), anomalies: runs[0].anomalies, findings: [...new Set(runs.map((x) => x.findings))] }))) });
    }
  } finally {
    if (!process.env.BENCH_DATA) await rm(work, { recursive: true, force: true });
  }
  const out = [
    '# Memory with a session key',
    '',
    ...(CLI_ONLY ? ['Cases: the `detect` command (`--import bench/lib/max-rss.mjs dist/cli/main.js detect FILES --format F --session-key K --json -q --baseline FILES`), baseline learned in the same process; lines per CPU-second over the whole process, baseline included.', ''] : []),
    `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}; Node ${process.version}; machine shared with other work). Input and runs as in "Detection throughput and memory" (repo generator, baseline learned from the 600,000 lines before, in the same process), session key \`req=([0-9a-f]{16})\`. Peak RSS is the whole process's maxRSS, median of the runs shown. Lines per CPU-second: the whole process.`,
    '',
    `| lines | **peak RSS, session key** | runs (MB) | lines per CPU-second | peak RSS, no session key | anomalies${compare ? ' | peak RSS, session key, BENCH_COMPARE_DIST | runs (MB) | its lines per CPU-second' : ''} |`,
    `|---|---|---|---|---|---${compare ? '|---|---|---' : ''}|`,
    ...rows.map(({ n, s, d, c }) => `| ${fmt(n)} | **${fmt(s.rss)} MB** | ${s.all.join(', ')} | ${fmt(s.cps)} | ${d ? `${fmt(d.rss)} MB` : '-'} | ${s.anomalies} / ${d ? d.anomalies : '-'}${c ? ` | ${fmt(c.rss)} MB | ${c.all.join(', ')} | ${fmt(c.cps)}` : ''} |`),
    '',
    ...rows.map(({ n, s, d, c }) => `Findings at ${fmt(n)} lines (sha256 of the anomalies as JSON, samples included; one value per distinct output across the runs): session key ${s.findings.join(', ')}${d ? `; no session key ${d.findings.join(', ')}` : ''}${c ? `; BENCH_COMPARE_DIST with the session key ${c.findings.join(', ')}: ${c.findings.join() === s.findings.join() ? 'identical' : '**different**'}` : ''}.`),
    '',
    'Goal (issue 11): peak RSS <= 150 MB at 10M lines with a session key.',
    '',
    'Command: `npm run build && BENCH_10M=1 node bench/session-memory.bench.mjs` (`BENCH_RUNS` (10M: 1 unless given), `BENCH_COMPARE_DIST`, `BENCH_DATA`, `BENCH_CASES=cli` to change).',
    '',
  ].join('\n');
  await mkdir(join(here, 'results'), { recursive: true });
  await writeFile(join(here, 'results', CLI_ONLY ? 'session-memory-cli.md' : 'session-memory.md'), out);
  process.stdout.write(out);
}

await main();
