#!/usr/bin/env node
// Speed, start-up and memory on log styles the miner was not tuned on (scripts/generate-unseen.mjs:
// long free text, JSON lines, nginx access log, Java/Python traces), with Drain3's mining loop timed on
// the same files in the same run. `detect` is timed as a whole process (start-up, read, parse, mine,
// detect, JSON out), one child per file, median over BENCH_RUNS runs; CPU time and peak RSS from
// /usr/bin/time. Drain3 runs once per file, between our first and second run of that file, so both
// meet the same load; a file it has not finished after BENCH_DRAIN3_CAP CPU seconds is cut there.
//
//   npm run build && node bench/unseen-content.bench.mjs
//   BENCH_LINES=300000 BENCH_RUNS=3 BENCH_STARTUP_RUNS=15 BENCH_DRAIN3_CAP=60 ...
//   BENCH_COMPARE_DIST=/path/to/other/dist   (another build, run interleaved with this one: before/after)
//   BENCH_PYTHON=/path/to/python   (default bench/.venv/bin/python, then python3; needs drain3)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUnseen } from '../scripts/lib/generate-unseen.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const LINES = Number(process.env.BENCH_LINES ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15);
const CAP_S = Number(process.env.BENCH_DRAIN3_CAP ?? 60);
const COMPARE = process.env.BENCH_COMPARE_DIST ? resolve(process.env.BENCH_COMPARE_DIST) : null;
const compareCli = COMPARE ? join(COMPARE, 'cli', 'main.js') : null;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Wall ms, CPU ms (user + system, when /usr/bin/time exists) and peak RSS (MB) of one child process. */
function timed(cmd, args, opts = {}) {
  const t0 = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'BENCHTIME %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...opts })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const m = /BENCHTIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  return { ms, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : null, rssMb: m ? Number(m[3]) / 1024 : null, stdout: r.stdout };
}

function findPython() {
  const candidates = [process.env.BENCH_PYTHON, join(here, '.venv', 'bin', 'python'), 'python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import drain3'], { encoding: 'utf8' });
    if (r.status === 0) return { py };
    if (r.error) continue;
    if (py === candidates[candidates.length - 1]) return { skip: `${py}: ${r.stderr.trim().split('\n').pop()}` };
  }
  return { skip: 'no Python with drain3 found (python3 -m venv bench/.venv && bench/.venv/bin/pip install drain3)' };
}

function startup(tiny) {
  const cases = [
    ['bare `node -e 0`', ['-e', '0']],
    ['`log-anomaly --version`', [cli, '--version']],
    ['`log-anomaly detect --help`', [cli, 'detect', '--help']],
    ['`log-anomaly parse` (1-line file)', [cli, 'parse', tiny, '--format', '<Date> <Time> <Level> <Component>: <Content>']],
    ['`log-anomaly detect` (1-line file)', [cli, 'detect', tiny, '--format', '<Date> <Time> <Level> <Component>: <Content>', '--json']],
  ];
  const xs = cases.map(() => []);
  // interleaved, so load on the shared machine hits every case alike
  for (let r = 0; r < STARTUP_RUNS; r++) cases.forEach(([, args], i) => xs[i].push(timed(process.execPath, args).ms));
  return cases.map(([name], i) => ({ name, ms: median(xs[i]) }));
}

/** The parts of `detect --json` that must not differ between two builds (generatedAt does). */
const outputKey = (doc) => JSON.stringify({ ...doc, generatedAt: null });

function detectOnce(cliPath, row) {
  const t = timed(process.execPath, [cliPath, 'detect', row.path, '--format', row.format, '--json']);
  return { ...t, doc: JSON.parse(t.stdout) };
}

function drain3(py, row) {
  const r = spawnSync(py, [join(here, 'lib', 'drain3_loop.py'), '--cap', String(CAP_S), row.path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`drain3: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'bench-unseen-'));
  try {
    const tiny = join(work, 'tiny.log');
    await writeFile(tiny, '2026-11-26 08:00:00 INFO api: started\n');
    const tg = performance.now();
    const corpus = await generateUnseen({ out: join(work, 'corpus'), lines: LINES, seed: 1 });
    const genS = (performance.now() - tg) / 1000;
    const starts = STARTUP_RUNS > 0 ? startup(tiny) : [];
    const py = findPython();
    if (!py.py) process.stdout.write(`Drain3 skipped: ${py.skip}\n`);

    const rows = corpus.files.map((f) => ({ ...f, path: join(work, 'corpus', f.file), ours: [], before: [], drain: null, same: true }));
    for (let r = 0; r < RUNS; r++) {
      for (const row of rows) {
        const t = detectOnce(cli, row);
        row.ours.push(t);
        if (compareCli) {
          const b = detectOnce(compareCli, row);
          row.before.push(b);
          if (outputKey(b.doc) !== outputKey(t.doc)) row.same = false;
        }
        // Drain3 once, after our first run of this file: the same load for both
        if (r === 0 && py.py) row.drain = drain3(py.py, row);
      }
    }

    const lps = (lines, ms) => (lines / ms) * 1000;
    const x = (a, b) => (b ? `${(a / b).toFixed(1)}x` : 'n/a');
    const stat = (runs) => ({ wall: median(runs.map((t) => t.ms)), cpu: median(runs.map((t) => t.cpuMs ?? t.ms)), rss: median(runs.map((t) => t.rssMb ?? 0)) });
    for (const row of rows) {
      row.o = stat(row.ours);
      row.b = row.before.length > 0 ? stat(row.before) : null;
      const d = row.drain;
      // lines Drain3 mined over the time it took; a capped file's rate is its PREFIX's rate, which overstates it
      row.d = d ? { wall: lps(d.lines, d.seconds * 1000), cpu: lps(d.lines, d.cpu * 1000), capped: d.capped, lines: d.lines, total: d.total, templates: d.templates } : null;
    }
    const all = (pick) => rows.reduce((a, r) => a + pick(r), 0);
    const totalLines = all((r) => r.lines);
    const tot = {
      oWall: lps(totalLines, all((r) => r.o.wall)),
      oCpu: lps(totalLines, all((r) => r.o.cpu)),
      bCpu: COMPARE ? lps(totalLines, all((r) => r.b.cpu)) : null,
      bWall: COMPARE ? lps(totalLines, all((r) => r.b.wall)) : null,
      // Drain3 on all four: a capped file counts as if the rest ran at its prefix's rate (an upper bound on Drain3's rate)
      dWall: py.py ? lps(totalLines, all((r) => (r.drain.seconds * 1000 * r.drain.total) / r.drain.lines)) : null,
      dCpu: py.py ? lps(totalLines, all((r) => (r.drain.cpu * 1000 * r.drain.total) / r.drain.lines)) : null,
      capped: py.py && rows.some((r) => r.drain.capped),
    };
    const ge = (capped) => (capped ? '>= ' : '');
    const goal = (ratio) => (ratio >= 20 ? 'met' : 'not met');
    const out = [
      '# Unseen content: speed, start-up and memory',
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}; Node ${process.version}; machine shared with other work).`,
      `Input: \`scripts/generate-unseen.mjs\` (seed 1), ${fmt(LINES)} lines in four styles the miner was not tuned on, one file each: free text (one line in five carries 0-60 words of it, plus SQL and paths with spaces), JSON lines (msg/ts/level keys, some free-text messages), an nginx "combined" access log, log4j-style lines with Java and Python traces (continuation lines). Made in ${genS.toFixed(1)} s.`,
      `Ours: \`node dist/cli/main.js detect FILE --format F --json\` (no baseline), the whole process, one child per file, median of ${RUNS} runs. Drain3: its \`TemplateMiner.add_log_message\` loop alone (default config, no masking, lines already in memory, one miner per file), once per file, run right after our first run of that file${py.py ? '' : ' (skipped: ' + py.skip + ')'}; a file it had not finished after ${CAP_S} CPU seconds was stopped there (marked "capped"). Lines per CPU-second count the user + system time of the whole process (ours: start-up, reading, GC threads and the compiler threads included; Drain3: its loop only).`,
      '',
      '| style | lines | **ours lines per CPU-second** | ours lines/s (wall) | Drain3 lines mined | Drain3 lines per CPU-second | Drain3 lines/s (wall) | **ratio, CPU** | ratio, wall | goal (>= 20x, CPU) | ours peak RSS | templates (ours / Drain3) | findings |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => {
        const d = r.d;
        const rc = d ? r.o.cpu ? lps(r.lines, r.o.cpu) / d.cpu : 0 : null;
        return `| ${r.style} | ${fmt(r.lines)} | **${fmt(lps(r.lines, r.o.cpu))}** | ${fmt(lps(r.lines, r.o.wall))} | ${d ? fmt(d.lines) + (d.capped ? ` of ${fmt(d.total)} (capped)` : '') : 'n/a'} | ${d ? fmt(d.cpu) : 'n/a'} | ${d ? fmt(d.wall) : 'n/a'} | **${d ? ge(d.capped) + x(lps(r.lines, r.o.cpu), d.cpu) : 'n/a'}** | ${d ? ge(d.capped) + x(lps(r.lines, r.o.wall), d.wall) : 'n/a'} | ${d ? goal(rc) : 'n/a'} | ${fmt(r.o.rss)} MB | ${fmt(r.ours[0].doc.input.templates)} / ${d ? fmt(d.templates) : 'n/a'} | ${r.ours[0].doc.anomalies.length} |`;
      }),
      `| **all four** | ${fmt(totalLines)} | **${fmt(tot.oCpu)}** | ${fmt(tot.oWall)} | | ${tot.dCpu ? fmt(tot.dCpu) : 'n/a'} | ${tot.dWall ? fmt(tot.dWall) : 'n/a'} | **${tot.dCpu ? ge(tot.capped) + x(tot.oCpu, tot.dCpu) : 'n/a'}** | ${tot.dWall ? ge(tot.capped) + x(tot.oWall, tot.dWall) : 'n/a'} | ${tot.dCpu ? goal(tot.oCpu / tot.dCpu) : 'n/a'} | | | |`,
      '',
      'Drain3 slows as its clusters grow (each line is compared with the clusters under its prefix-tree leaf), so for a capped file the rate over the lines it mined overstates its rate over the whole file, and "all four" counts the rest of a capped file at that prefix rate: those ratios are lower bounds (shown with >=).',
      '',
      `Our wall runs (ms): ${rows.map((r) => `${r.style} ${r.ours.map((t) => Math.round(t.ms)).join(', ')}`).join('; ')}. CPU runs (ms): ${rows.map((r) => `${r.style} ${r.ours.map((t) => Math.round(t.cpuMs ?? 0)).join(', ')}`).join('; ')}.`,
      ...(py.py ? [`Drain3 (s wall / s CPU): ${rows.map((r) => `${r.style} ${r.drain.seconds.toFixed(1)} / ${r.drain.cpu.toFixed(1)}`).join('; ')}.`] : []),
      ...(COMPARE
        ? [
            '',
            `Before/after in the same run: the build in BENCH_COMPARE_DIST (${COMPARE}) on the same files, each of its runs right after this build's run of the same file, medians of ${RUNS}.`,
            '',
            '| style | before, lines per CPU-second | after | after / before (CPU) | before, lines/s (wall) | after | after / before (wall) | outputs identical (`--json`, but generatedAt) |',
            '|---|---|---|---|---|---|---|---|',
            ...rows.map((r) => `| ${r.style} | ${fmt(lps(r.lines, r.b.cpu))} | ${fmt(lps(r.lines, r.o.cpu))} | ${x(r.b.cpu, r.o.cpu)} | ${fmt(lps(r.lines, r.b.wall))} | ${fmt(lps(r.lines, r.o.wall))} | ${x(r.b.wall, r.o.wall)} | ${r.same ? 'yes' : '**no**'} |`),
            `| **all four** | ${fmt(tot.bCpu)} | ${fmt(tot.oCpu)} | ${x(tot.oCpu, tot.bCpu)} | ${fmt(tot.bWall)} | ${fmt(tot.oWall)} | ${x(tot.oWall, tot.bWall)} | ${rows.every((r) => r.same) ? 'yes' : '**no**'} |`,
            '',
            `Before's CPU runs (ms): ${rows.map((r) => `${r.style} ${r.before.map((t) => Math.round(t.cpuMs ?? 0)).join(', ')}`).join('; ')}.`,
          ]
        : []),
      ...(starts.length > 0
        ? [
            '',
            `Start-up (median of ${STARTUP_RUNS} interleaved runs, wall ms of the whole process; goal: within 100 ms of bare node):`,
            '',
            '| command | wall ms | over bare `node -e 0` |',
            '|---|---|---|',
            ...starts.map((s) => `| ${s.name} | ${fmt(s.ms)} | ${s === starts[0] ? '' : (s.ms >= starts[0].ms ? '+' : '') + fmt(s.ms - starts[0].ms)} |`),
          ]
        : []),
      '',
      'Goals (issue 11): detect whole-process >= 20x Drain3 on these 300k lines; start-up within 100 ms of bare node; peak RSS <= 150 MB at 10M lines with a session key (that figure is in "Memory with a session key").',
      '',
      'Command: `npm run build && node bench/unseen-content.bench.mjs` (Drain3 from `python3 -m venv bench/.venv && bench/.venv/bin/pip install drain3`; where PyPI cannot be reached, copy the packages from their sources (logpai/Drain3 `drain3/`, tkem/cachetools `src/cachetools/`, jsonpickle/jsonpickle `jsonpickle/`) into bench/.venv/lib/python3.*/site-packages; bench/.venv is git-ignored; `BENCH_LINES`, `BENCH_RUNS`, `BENCH_STARTUP_RUNS`, `BENCH_DRAIN3_CAP`, `BENCH_COMPARE_DIST`, `BENCH_PYTHON` to change).',
      '',
    ].join('\n');
    await mkdir(join(here, 'results'), { recursive: true });
    await writeFile(join(here, 'results', 'unseen-content.md'), out);
    process.stdout.write(out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
