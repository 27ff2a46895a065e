#!/usr/bin/env node
// Lines/s of read + format parse + mask + mine on 1,000,000 generated multi-service lines, next to
// plain line reading in Node measured in the same process (the floor). Medians of BENCH_RUNS
// repetitions (default 5), interleaved so machine load hits every stage alike.
//   npm run build && node bench/mining-throughput.bench.mjs
// MINER_BASELINE=/path/to/other/dist adds the same stage with that build's miner (e.g. main's
// dist), measured interleaved in the same run, for a before/after ratio.
import { createReadStream, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLogs } from '../scripts/lib/generate.mjs';
import { createLineParser } from '../dist/detector/format/index.js';
import { createMiner } from '../dist/detector/miner/index.js';
import { readLineBatches } from '../dist/detector/input/read-lines.js';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const BASELINE_DIST = process.env.MINER_BASELINE;
const baselineMiner = BASELINE_DIST ? (await import(join(BASELINE_DIST, 'detector', 'miner', 'index.js'))).createMiner : null;

const mineWith = (make) => async (files) => {
  const parse = createLineParser({ type: 'loghub', pattern: FORMAT });
  const miner = make();
  let n = 0;
  for (const f of files) {
    for await (const b of readLineBatches(f)) {
      for (const l of b) {
        const p = parse(l);
        if (p === null) continue;
        // as the engine does: the line and where its message starts, when the parser knows
        if (p.contentStart >= 0) miner.add(l, p.contentStart);
        else miner.add(p.content);
        n++;
      }
    }
  }
  return { n, templates: miner.templates().length };
};

const stages = {
  'readline (node:readline)': async (files) => {
    let n = 0;
    for (const f of files) for await (const _ of createInterface({ input: createReadStream(f), crlfDelay: Infinity })) n++;
    return { n };
  },
  'batch reader (detector/input/read-lines.ts)': async (files) => {
    let n = 0;
    for (const f of files) for await (const b of readLineBatches(f)) n += b.length;
    return { n };
  },
  'read + parse': async (files) => {
    const parse = createLineParser({ type: 'loghub', pattern: FORMAT });
    let n = 0;
    for (const f of files) for await (const b of readLineBatches(f)) for (const l of b) if (parse(l) !== null) n++;
    return { n };
  },
  'read + parse + mask + mine': mineWith(() => createMiner()),
  ...(baselineMiner ? { [`read + parse + mask + mine (MINER_BASELINE)`]: mineWith(() => baselineMiner()) } : {}),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const work = await mkdtemp(join(tmpdir(), 'bench-mine-'));
try {
  await generateLogs({ out: work, lines: LINES, seed: 11 });
  const files = SERVICES.map((s) => join(work, `${s}.log`));
  const times = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  const info = {};
  for (let r = 0; r < RUNS; r++) {
    for (const [name, fn] of Object.entries(stages)) {
      globalThis.gc?.();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = await fn(files);
      const c = process.cpuUsage(c0);
      times[name].push(performance.now() - t0);
      cpu[name].push((c.user + c.system) / 1000);
      info[name] = res;
    }
  }
  const floor = LINES / (median(times['readline (node:readline)']) / 1000);
  const cpuFloor = LINES / (median(cpu['readline (node:readline)']) / 1000);
  const out = [];
  out.push('# Mining throughput (parse + mask + mine)');
  out.push('');
  out.push(`Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}; Node ${process.version}; one core; load average at the end ${loadavg()[0].toFixed(1)}: the machine is shared, so compare within a row set, not across days).`);
  out.push(`Input: ${fmt(LINES)} lines from the repo generator (\`scripts/generate-logs.mjs\`, seed 11, 4 service files), format \`${FORMAT}\`, no extra masks. Median of ${RUNS} interleaved runs.`);
  out.push('');
  out.push('Wall-clock rates suffer when other processes take the core; CPU-time rates (lines per CPU-second of this process) are the steadier figure on a shared machine.');
  out.push('');
  out.push('| stage | lines/s wall (median) | wall runs (ms) | vs readline (wall) | **lines per CPU-second** (median) | CPU runs (ms) | vs readline (CPU) |');
  out.push('|---|---|---|---|---|---|---|');
  for (const name of Object.keys(stages)) {
    const lps = LINES / (median(times[name]) / 1000);
    const cps = LINES / (median(cpu[name]) / 1000);
    out.push(`| ${name} | ${fmt(lps)} | ${times[name].map((t) => t.toFixed(0)).join(', ')} | ${(lps / floor).toFixed(2)}x | **${fmt(cps)}** | ${cpu[name].map((t) => t.toFixed(0)).join(', ')} | ${(cps / cpuFloor).toFixed(2)}x |`);
  }
  const mine = info['read + parse + mask + mine'];
  out.push('');
  out.push(`Templates found: ${mine.templates}. Lines mined: ${fmt(mine.n)}.`);
  const tRead = median(cpu['batch reader (detector/input/read-lines.ts)']);
  const tParse = median(cpu['read + parse']) - tRead;
  const tMine = median(cpu['read + parse + mask + mine']) - median(cpu['read + parse']);
  out.push(`CPU cost split (medians): reading ${tRead.toFixed(0)} ms, format parsing ${tParse.toFixed(0)} ms (${fmt(LINES / (tParse / 1000))} lines/s alone), mask + mine ${tMine.toFixed(0)} ms (${fmt(LINES / (tMine / 1000))} lines/s alone).`);
  if (baselineMiner) {
    const ratio = median(cpu['read + parse + mask + mine (MINER_BASELINE)']) / median(cpu['read + parse + mask + mine']);
    out.push(`This build vs MINER_BASELINE (${BASELINE_DIST}), read + parse + mask + mine, CPU medians: ${ratio.toFixed(3)}x the baseline's rate (templates: ${mine.templates} vs ${info['read + parse + mask + mine (MINER_BASELINE)'].templates}).`);
  }
  out.push('');
  out.push('Reference: Drain3 (Python) is about 45,000 lines/s on this kind of machine (issue 5).');
  out.push('');
  out.push('Command: `npm run build && node --expose-gc bench/mining-throughput.bench.mjs` (BENCH_RUNS, BENCH_LINES to change).');
  const text = out.join('\n') + '\n';
  process.stdout.write(text);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'mining-throughput.md'), text);
} finally {
  await rm(work, { recursive: true, force: true });
}
