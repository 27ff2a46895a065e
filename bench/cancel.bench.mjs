#!/usr/bin/env node
// How fast a cancel stops a long detection, and what the cooperative yields that make it possible
// cost in throughput (issue 13, point 5). Each measurement is its own child process; figures are
// medians; BENCH_COMPARE_DIST runs the same measurements on another build (main before the yields,
// say) interleaved with this one, so both see the same load on a shared machine.
//
//   npm run build && node bench/cancel.bench.mjs
//   BENCH_COMPARE_DIST=/tmp/main/dist BENCH_RUNS=5 node bench/cancel.bench.mjs
//
// Modes:
//   throughput  runDetector over the generator's 4 files, merged (the `detect` path), session key on
//   cancel      the same run, aborted by a timer 1.5 s in: latency = from the moment the timer was
//               due to the moment runDetector rejected (event-loop lag included: that is what a
//               SIGINT or a step timeout waits for)
//   burst       an in-memory source handing over 100,000-line batches with no macrotask between
//               them (what a merge or an array source can do), aborted 0.5 s in
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';
const SESSION_KEY = 'req=([0-9a-f]{16})';
const LINES = Number(process.env.BENCH_LINES ?? 500_000);

async function child(mode, dir) {
  const dist = process.env.BENCH_DIST ?? join(here, '..', 'dist');
  const load = (p) => import(pathToFileURL(join(dist, p)).href);
  const { runDetector, fileSource, mergeSources } = await load('detector/index.js');
  const { createLineParser } = await load('detector/format/index.js');
  const { DEFAULT_DETECTION_CONFIG } = await load('detector/defaults.js');
  const parser = createLineParser({ type: 'loghub', pattern: FORMAT });
  const merged = () => [mergeSources(SERVICES.map((s) => fileSource(join(dir, `${s}.log`), parser)))];
  // made before the clock starts, so only the detector's own stretches are measured
  const batches = [];
  if (mode === 'burst') {
    const ts0 = Date.UTC(2026, 10, 26, 9, 0, 0);
    for (let start = 0; start < LINES; start += 100_000) {
      const batch = [];
      for (let i = start; i < Math.min(LINES, start + 100_000); i++) {
        const content = `job ${i % 977} step ${i % 13} finished in ${(i * 7) % 50}ms req=${(i % 65536).toString(16).padStart(16, '0')}`;
        batch.push({ content, raw: content, timestamp: ts0 + i * 10, stream: `svc-${i % 4}`, level: i % 31 === 0 ? 'ERROR' : 'INFO', lineNo: i + 1 });
      }
      batches.push(batch);
    }
  }
  const burst = async function* () {
    yield* batches;
  };
  const ac = new AbortController();
  const opts = { config: DEFAULT_DETECTION_CONFIG, orderedInput: true, sessionKey: SESSION_KEY, signal: ac.signal };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let due = null;
  if (mode !== 'throughput') {
    const delay = mode === 'burst' ? 500 : 1500;
    due = t0 + delay;
    setTimeout(() => ac.abort(new Error('bench cancel')), delay);
  }
  let outcome;
  let lines = 0;
  try {
    const r = await runDetector(mode === 'burst' ? [burst] : merged(), opts);
    outcome = 'completed';
    lines = r.doc.input.lines;
  } catch (err) {
    if (err?.code !== 'ABORTED') throw err;
    outcome = 'aborted';
  }
  const end = performance.now();
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ outcome, lines, ms: end - t0, cpuMs: (c.user + c.system) / 1000, latencyMs: due === null ? null : end - due }) + '\n');
}

function measure(mode, dir, dist) {
  const env = dist ? { ...process.env, BENCH_DIST: dist } : process.env;
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, dir], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { generateLogs } = await import('../scripts/lib/generate.mjs');
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const compare = process.env.BENCH_COMPARE_DIST ?? null;
  const work = await mkdtemp(join(tmpdir(), 'bench-cancel-'));
  try {
    await generateLogs({ out: work, lines: LINES, rate: 100, seed: 1, start: '2026-11-26T08:00:00Z', incidents: ['frequency_spike'] });
    const builds = [['this build', null], ...(compare ? [['compare', compare]] : [])];
    const res = {};
    for (let r = 0; r < runs; r++) {
      for (const [name, dist] of builds) {
        // BENCH_MODES=throughput: only the throughput runs
        for (const mode of (process.env.BENCH_MODES ?? 'throughput,cancel,burst').split(',')) {
          ((res[name] ??= {})[mode] ??= []).push(measure(mode, work, dist));
        }
      }
    }
    console.log(`detection of ${LINES.toLocaleString('en-US')} generated lines (session key on), ${runs} runs each, medians; node ${process.version}`);
    for (const [name] of builds) {
      const m = res[name];
      m.cancel ??= [];
      m.burst ??= [];
      const lps = median(m.throughput.map((x) => (x.lines / x.ms) * 1000));
      const cps = median(m.throughput.map((x) => (x.lines / x.cpuMs) * 1000));
      const fmt = (xs) => xs.length === 0 ? 'not measured' : `median ${median(xs.map((x) => x.latencyMs)).toFixed(0)} ms (runs: ${xs.map((x) => `${x.latencyMs.toFixed(0)}${x.outcome === 'completed' ? ' completed' : ''}`).join(', ')})`;
      console.log(`${name}: throughput ${Math.round(lps).toLocaleString('en-US')} lines/s wall, ${Math.round(cps).toLocaleString('en-US')} lines per CPU-second`);
      console.log(`${name}: cancel 1.5 s into the merged-file run: ${fmt(m.cancel)}`);
      console.log(`${name}: cancel 0.5 s into the burst source: ${fmt(m.burst)}`);
      res[name].lps = lps;
      res[name].cps = cps;
    }
    if (compare) {
      console.log(`throughput ratio this/compare: ${(res['this build'].lps / res.compare.lps).toFixed(3)} wall, ${(res['this build'].cps / res.compare.cps).toFixed(3)} CPU`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();
