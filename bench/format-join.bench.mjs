#!/usr/bin/env node
// What the multi-line stage (src/detector/format/multiline.ts) costs on a log with no
// continuations: fileSource (read + parse + join) against the same read + parse loop without the
// joiner, in the same run, on 1M generated lines. Each measurement is its own child process;
// CPU milliseconds, median of BENCH_RUNS (default 9), interleaved.
//
//   npm run build && node bench/format-join.bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';

async function child(mode, dir) {
  const { fileSource, readLineBatches } = await import('../dist/detector/index.js');
  const { createLineParser } = await import('../dist/detector/format/index.js');
  const parser = createLineParser({ type: 'loghub', pattern: FORMAT });
  const c0 = process.cpuUsage();
  let n = 0;
  for (const s of SERVICES) {
    const path = join(dir, `${s}.log`);
    if (mode === 'join') {
      for await (const b of fileSource(path, parser)()) n += b.length;
    } else {
      // the loop fileSource ran before the multi-line stage
      let lineNo = 0;
      for await (const batch of readLineBatches(path)) {
        const out = [];
        for (const raw of batch) {
          lineNo++;
          if (raw.length === 0) continue;
          const p = parser(raw);
          if (p === null) out.push({ content: raw, raw, contentStart: 0, timestamp: null, stream: s, level: undefined, lineNo });
          else out.push({ content: p.content, raw, contentStart: p.contentStart ?? -1, timestamp: p.timestamp, stream: p.stream ?? s, level: p.level, lineNo });
        }
        n += out.length;
      }
    }
  }
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ n, cpuMs: (c.user + c.system) / 1000 }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  const runs = Number(process.env.BENCH_RUNS ?? 9);
  const dir = await mkdtemp(join(tmpdir(), 'bench-join-'));
  try {
    const { generateLogs } = await import('../scripts/lib/generate.mjs');
    await generateLogs({ out: dir, lines: 1_000_000, rate: 100, seed: 1, start: '2026-11-26T08:00:00Z' });
    const times = { plain: [], join: [] };
    let lines = 0;
    for (let i = 0; i < runs; i++) {
      for (const mode of ['plain', 'join']) {
        const r = spawnSync(process.execPath, [join(here, 'format-join.bench.mjs'), '--child', mode, dir], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(r.stderr);
        const { n, cpuMs } = JSON.parse(r.stdout);
        lines = n;
        times[mode].push(cpuMs);
      }
    }
    const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
    const p = median(times.plain);
    const j = median(times.join);
    console.log(`${lines.toLocaleString('en-US')} lines, median of ${runs}: read+parse ${p.toFixed(0)} CPU ms, read+parse+join ${j.toFixed(0)} CPU ms, ratio ${(j / p).toFixed(2)} (+${(((j - p) * 1e6) / lines).toFixed(0)} ns/line)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
