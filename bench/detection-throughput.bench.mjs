#!/usr/bin/env node
// Throughput and memory of the detector end to end (read + format parse + mask + mine + detect),
// on logs from the repo's generator, next to plain line reading in Node measured in the same run.
// Each measurement runs in its own child process so its peak RSS is its own; figures are medians.
//
//   npm run build && node bench/detection-throughput.bench.mjs
//   BENCH_10M=1 node bench/detection-throughput.bench.mjs     # also 10,000,000 lines (minutes)
//   BENCH_RUNS=7 ...                                           # repetitions (default 5)
//   BENCH_COMPARE_DIST=/path/to/other/dist ...                 # also time another build (e.g. an older commit) in the same run
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';
const SESSION_KEY = 'req=([0-9a-f]{16})';

async function child(mode, dir, baseDir) {
  const files = SERVICES.map((s) => join(dir, `${s}.log`));
  // BENCH_DIST: another build's dist (an older commit, say) measured in the same run
  const dist = process.env.BENCH_DIST ?? join(here, '..', 'dist');
  const load = (p) => import(pathToFileURL(join(dist, p)).href);
  const { readLineBatches, runDetector, fileSource, mergeSources } = await load('detector/index.js');
  const { createLineParser } = await load('detector/format/index.js');
  const { DEFAULT_DETECTION_CONFIG } = await load('detector/defaults.js');
  const parser = createLineParser({ type: 'loghub', pattern: FORMAT });
  const src = (d) => [mergeSources(SERVICES.map((s) => fileSource(join(d, `${s}.log`), parser)))];
  // `sessions`: detect with the generator's session key (request ids), as the bundled demo runs
  const sessionKey = mode === 'sessions' ? SESSION_KEY : null;
  let model = null;
  if ((mode === 'detect' || mode === 'sessions') && baseDir) {
    model = (await runDetector(src(baseDir), { config: DEFAULT_DETECTION_CONFIG, orderedInput: true, sessionKey })).model;
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let lines = 0;
  let anomalies = null;
  let findings = null;
  if (mode === 'readline') {
    for (const f of files) for await (const _ of createInterface({ input: createReadStream(f), crlfDelay: Infinity })) lines++;
  } else if (mode === 'batches') {
    for (const f of files) for await (const b of readLineBatches(f)) lines += b.length;
  } else if (mode === 'parse' || mode === 'mine') {
    // Where the time goes: the format parser alone, then parser + miner (no detectors).
    const { createMiner } = await import('../dist/detector/miner/index.js');
    const miner = createMiner({});
    for (const f of files) {
      for await (const b of readLineBatches(f)) {
        for (const l of b) {
          const p = parser(l);
          lines++;
          if (p && mode === 'mine') {
            if (p.contentStart >= 0) miner.add(l, p.contentStart);
            else miner.add(p.content);
          }
        }
      }
    }
  } else {
    const r = await runDetector(src(dir), { config: DEFAULT_DETECTION_CONFIG, model, orderedInput: true, sessionKey });
    lines = r.doc.input.lines;
    anomalies = r.doc.anomalies.length;
    // a digest of the findings (samples included), so two builds' outputs can be compared
    findings = createHash('sha256').update(JSON.stringify(r.doc.anomalies)).digest('hex').slice(0, 16);
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  process.stdout.write(JSON.stringify({ lines, ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, anomalies, findings }) + '\n');
}

function measure(mode, dir, baseDir, dist) {
  const env = dist ? { ...process.env, BENCH_DIST: dist } : process.env;
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, dir, baseDir ?? ''], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  const { generateLogs } = await import('../scripts/lib/generate.mjs');
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const compareDist = process.env.BENCH_COMPARE_DIST ?? null;
  const work = await mkdtemp(join(tmpdir(), 'bench-detect-'));
  const rows = [];
  try {
    const sizes = [1_000_000, ...(process.env.BENCH_10M === '1' ? [10_000_000] : [])];
    const baseDir = join(work, 'baseline');
    // A baseline of the 100 minutes before at the same rate, so every detector (frequency, silence, new) runs.
    await generateLogs({ out: baseDir, lines: 600_000, rate: 100, seed: 2, start: '2026-11-26T06:20:00Z' });
    for (const n of sizes) {
      const dir = join(work, `n${n}`);
      const tg = performance.now();
      await generateLogs({ out: dir, lines: n, rate: 100, seed: 1, start: '2026-11-26T08:00:00Z', incidents: ['frequency_spike', 'new_template'] });
      const genS = (performance.now() - tg) / 1000;
      const reps = n >= 10_000_000 ? 1 : runs;
      const res = {};
      const modes = ['readline', 'batches', 'parse', 'mine', 'detect', 'sessions'];
      // BENCH_COMPARE_DIST: the same detect runs on another build, interleaved with ours
      if (compareDist && n < 10_000_000) modes.push('detect@compare', 'sessions@compare');
      const xs = Object.fromEntries(modes.map((m) => [m, []]));
      // interleaved, so a burst of load on the shared machine hits every stage alike
      for (let r = 0; r < reps; r++) {
        for (const name of modes) {
          const [mode, other] = name.split('@');
          xs[name].push(measure(mode, dir, mode === 'detect' || mode === 'sessions' ? baseDir : undefined, other ? compareDist : undefined));
        }
      }
      for (const mode of modes) {
        const runs = xs[mode];
        res[mode] = {
          lps: median(runs.map((x) => (x.lines / x.ms) * 1000)),
          cps: median(runs.map((x) => (x.lines / x.cpuMs) * 1000)),
          rss: median(runs.map((x) => x.maxRssMb)),
          lines: runs[0].lines,
          anomalies: runs[0].anomalies,
          walls: runs.map((x) => Math.round(x.ms)),
        };
      }
      rows.push({ n, genS, reps, res });
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const out = [
    '# Detection throughput and memory',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}; Node ${process.version}; one core per measurement, machine shared with other work), each figure the median of the runs shown, each run a fresh child process (peak RSS = its maxRSS).`,
    'Input: the repo generator (`scripts/generate-logs.mjs`), 4 service files, format `' + FORMAT + '`, merged by timestamp; 100 lines/s on average (10M lines span 28 hours); detection against a baseline model learned (untimed) from the 600,000 lines before, so all frequency detectors run. "+ session key" is the same run with the session key `' + SESSION_KEY + '` (request ids; session anomalies on), as the bundled demo runs. Lines per CPU-second count the CPU time of the whole process (reads and GC threads included).',
    '',
    '| lines | runs | plain `readline` lines/s | batch reader lines/s | read+parse lines/s | read+parse+mine lines/s | **parse+mine+detect lines/s** | detect / readline | detect, lines per CPU-second | + session key lines/s | peak RSS detect | peak RSS + session key | peak RSS readline | anomalies |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ n, reps, res }) =>
      `| ${fmt(n)} | ${reps} | ${fmt(res.readline.lps)} | ${fmt(res.batches.lps)} | ${fmt(res.parse.lps)} | ${fmt(res.mine.lps)} | **${fmt(res.detect.lps)}** | ${(res.detect.lps / res.readline.lps).toFixed(2)} | ${fmt(res.detect.cps)} | ${fmt(res.sessions.lps)} | ${fmt(res.detect.rss)} MB | ${fmt(res.sessions.rss)} MB | ${fmt(res.readline.rss)} MB | ${res.detect.anomalies} / ${res.sessions.anomalies} |`),
    '',
    ...rows.map(({ n, res }) => `Wall times of the ${fmt(n)}-line detect runs (ms): ${res.detect.walls.join(', ')}; with the session key: ${res.sessions.walls.join(', ')}.`),
    '',
    ...rows
      .filter(({ res }) => res['detect@compare'])
      .map(({ n, res }) => {
        const c = res['detect@compare'];
        const cs = res['sessions@compare'];
        return `Same run, the build in BENCH_COMPARE_DIST (${compareDist}) on the same ${fmt(n)} lines: ${fmt(c.lps)} lines/s (${c.walls.join(', ')} ms), this build ${(res.detect.lps / c.lps).toFixed(2)}x; with the session key ${fmt(cs.lps)} lines/s, this build ${(res.sessions.lps / cs.lps).toFixed(2)}x.`;
      }),
    '',
    ...rows.map(({ n, genS }) => `Generating ${fmt(n)} lines took ${genS.toFixed(1)} s (${fmt(n / genS)} lines/s).`),
    '',
    'Reference: Drain3 (Python, streaming Drain) is about 45,000 lines/s on this kind of machine (issue 5).',
    'Goals: >= 1,000,000 lines/s end to end; peak RSS < 150 MB at 10M lines.',
    '',
    'Commands: `npm run build && node bench/detection-throughput.bench.mjs` (1M lines, about a minute);',
    '`BENCH_10M=1 node bench/detection-throughput.bench.mjs` adds 10M lines (about 1.1 GB of temporary logs, several minutes).',
    '',
  ].join('\n');
  await mkdir(join(here, 'results'), { recursive: true });
  await writeFile(join(here, 'results', 'detection-throughput.md'), out);
  process.stdout.write(out);
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5] || null);
else await main();
