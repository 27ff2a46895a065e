#!/usr/bin/env node
// What mid-ingest checkpoints cost file ingestion (issue 13): the same generated log ingested with
// checkpoints off (an interval longer than the run), at the default interval (2 s) and after every
// 64 KB batch (the worst case, LOG_ANOMALY_INGEST_CHECKPOINT_MS=0), interleaved, in one process;
// medians and ratios against "off" measured in the same run.
//
//   npm run build && node bench/ingest-checkpoint.bench.mjs
//   BENCH_RUNS=7 BENCH_LINES=2000000 node bench/ingest-checkpoint.bench.mjs
//   BENCH_COMPARE_DIST=/tmp/main/dist ...   # also another build's ingestion (main before checkpoints), interleaved
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(import.meta.dirname, '..');
const { ingestLogs } = await import(join(root, 'dist', 'services', 'ingest', 'index.js'));
const { createStandaloneContext } = await import(join(root, 'dist', 'services', 'context.js'));
const compare = process.env.BENCH_COMPARE_DIST ? await import(join(process.env.BENCH_COMPARE_DIST, 'services', 'ingest', 'index.js')) : null;
const N = Number(process.env.BENCH_RUNS ?? 5);
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = await mkdtemp(join(tmpdir(), 'bench-ingest-ckpt-'));
try {
  const log = join(work, 'app.log');
  const out = createWriteStream(log);
  const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
  for (let i = 0; i < LINES; i++) {
    const ts = new Date(t0 + i * 20).toISOString().replace('T', ' ').replace('Z', '');
    if (!out.write(`${ts} ${i % 31 === 0 ? 'ERROR' : 'INFO'} bulk: job ${i % 977} step ${i % 13} finished in ${(i * 7) % 50}ms\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await writeFile(join(work, 'settings.yaml'), '');
  const modes = { off: String(1e12), 'default (2 s)': undefined, 'every batch': '0', ...(compare ? { 'compare build': undefined } : {}) };
  const times = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  const checkpoints = {};
  for (let r = 0; r < N; r++) {
    for (const [mode, env] of Object.entries(modes)) {
      if (env === undefined) delete process.env.LOG_ANOMALY_INGEST_CHECKPOINT_MS;
      else process.env.LOG_ANOMALY_INGEST_CHECKPOINT_MS = env;
      const runDir = join(work, `run-${r}-${mode.split(' ')[0]}`);
      const ctx = createStandaloneContext();
      const t = performance.now();
      await (mode === 'compare build' ? compare.ingestLogs : ingestLogs)({ runDir, baseDir: work, format: { type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>', timestampFields: ['Date', 'Time'] }, source: { type: 'file', paths: [log] } }, ctx);
      times[mode].push(performance.now() - t);
      checkpoints[mode] = ctx.logs.filter((l) => l.msg === 'ingest checkpoint').length;
      await rm(runDir, { recursive: true, force: true });
    }
  }
  const base = median(times.off);
  console.log(`file ingestion of ${LINES.toLocaleString('en-US')} lines, ${N} runs each, medians (node ${process.version})`);
  for (const [mode, xs] of Object.entries(times)) {
    console.log(`checkpoints ${mode.padEnd(14)} ${median(xs).toFixed(0)} ms, ${(median(xs) / base).toFixed(3)}x off, ${checkpoints[mode]} checkpoints in the last run`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
