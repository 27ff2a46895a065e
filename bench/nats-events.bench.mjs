#!/usr/bin/env node
// NATS on loopback: (1) bus events per second published to the JetStream event stream, every one
// acknowledged by the server (the publisher's window = publishes in flight; 1 is the naive
// await-each-ack loop), (2) latency from a state change (bus.emit of a step event) to its line in a
// separate `log-anomaly watch --json` process (p50/p90/p99). Needs NATS at NATS_URL or 127.0.0.1:4222.
//   npm run build && node bench/nats-events.bench.mjs   (BENCH_EVENTS, BENCH_SAMPLES to change)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createBus } from '../dist/bus/bus.js';
import { natsNames } from '../dist/bus/nats/names.js';
import { attachNatsPublisher } from '../dist/bus/nats/publish.js';
import { createEventPublisher } from '../dist/bus/nats/event-publisher.js';
import { ensureEventStream, openRunsKv } from '../dist/bus/nats/setup.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const prefix = `lapbench_${Date.now().toString(36)}`;
const names = natsNames(prefix);
const settingsNats = { servers: [NATS_URL], prefix, stream: { maxAgeSeconds: 3600, maxBytes: 512 * 1024 * 1024, maxMsgs: 10_000_000 } };
const nowMs = () => performance.timeOrigin + performance.now();
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function logDraft(i) {
  return { type: 'log', level: 'info', msg: `processed batch ${i} of the payments stream`, step: 'prepare_prerequisite/execute_cloudwatchLog_injetion', fields: { lines: i * 1000, stream: 'payments' } };
}

async function throughput(nc, window) {
  const runId = `tput-w${window}`;
  const js = jetstream(nc);
  const kv = await openRunsKv(nc, names);
  const p = createEventPublisher({ js, kv, names, log: () => {}, window });
  const bus = createBus({ runId });
  bus.events$.subscribe((e) => p.push(e));
  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) bus.emit(logDraft(i));
  const ok = await p.flush(120_000);
  const ms = performance.now() - t0;
  p.stop();
  if (!ok || p.stats().published !== EVENTS) throw new Error(`window ${window}: ${JSON.stringify(p.stats())}`);
  return { window, ms, rate: EVENTS / (ms / 1000) };
}

async function latency() {
  const dir = mkdtempSync(join(tmpdir(), 'lap-bench-nats-'));
  const config = join(dir, 'settings.yaml');
  writeFileSync(config, `source: { type: file, paths: [x.log] }\nformat: { type: raw }\ndetectionConfig: { location: d.yaml }\nupload: { type: local, dir: up }\nnats: { prefix: ${prefix} }\n`);
  const runId = 'latency';
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'watch', runId, '--json', '--nats', NATS_URL, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lat = [];
  let sentAt = new Map();
  const lines = createInterface({ input: child.stdout });
  let onLine = () => {};
  lines.on('line', (l) => {
    const got = nowMs();
    const e = JSON.parse(l);
    if (e.type === 'step' && sentAt.has(e.seq)) lat.push(got - sentAt.get(e.seq));
    onLine(e);
  });
  // The watcher joins before the run starts (its consumer waits on the run's subjects).
  await new Promise((r) => child.stderr.once('data', r));
  await new Promise((r) => setTimeout(r, 500));
  const bus = createBus({ runId });
  const h = await attachNatsPublisher(bus, { servers: [NATS_URL], settings: settingsNats, require: true, log: () => {}, env: {} });
  bus.emit({ type: 'run', status: 'started', params: { skipInstall: false, dryRun: false } });
  for (let i = 0; i < SAMPLES; i++) {
    const seen = new Promise((r) => (onLine = (e) => e.seq === i + 2 && r()));
    const t = nowMs();
    const e = bus.emit({ type: 'step', step: 'execute_logAnomaly', name: 'execute_logAnomaly', kind: 'task', status: i % 2 ? 'done' : 'running', attempt: 1 });
    sentAt.set(e.seq, t);
    await seen; // one state change in flight at a time: latency, not queueing
    await new Promise((r) => setTimeout(r, 2));
  }
  bus.emit({ type: 'run', status: 'completed', params: { skipInstall: false, dryRun: false }, exitCode: 0 });
  await h.close();
  const code = await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`watch exited ${code}`);
  return lat.sort((a, b) => a - b);
}

let nc;
try {
  nc = await connect({ servers: NATS_URL, name: 'log-anomaly bench', timeout: 3000 });
} catch (err) {
  // `npm run bench` on a machine without NATS: say so instead of failing the other benches.
  process.stdout.write(`skipped: no NATS at ${NATS_URL} (${err.message}); start one (see .ci/nats.sh) or set NATS_URL\n`);
  process.exit(0);
}
const jsm = await jetstreamManager(nc);
await ensureEventStream(jsm, names, settingsNats.stream);
try {
  const rows = [];
  for (const w of [1, 16, 128, 512]) rows.push(await throughput(nc, w));
  const lat = await latency();
  const server = nc.info?.version ?? '?';
  const out = [
    '# NATS: publish throughput and watch latency',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, ${cpus()[0]?.model ?? '?'}; Node ${process.version}; nats-server ${server} on loopback, file storage; load average at the end ${loadavg()[0].toFixed(1)}: the machine is shared).`,
    '',
    `## Events published with JetStream acks (${EVENTS.toLocaleString('en-US')} log events of ~330 bytes, one run)`,
    '',
    'Every event is a JetStream publish with message id `<runId>-<seq>` and waits for its ack; the window is how many are in flight at once (a sliding window; the default is 128; 1 is the naive await-each-ack loop). Timing from the first `bus.emit` to the last ack.',
    '',
    '| window (in flight) | events/s | total ms |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.window}${r.window === 128 ? ' (default)' : ''} | **${Math.round(r.rate).toLocaleString('en-US')}** | ${Math.round(r.ms)} |`),
    '',
    `## State change -> line in a \`watch\` process (${lat.length} step events, one at a time)`,
    '',
    'From `bus.emit` of a step event in the publishing process to the moment its NDJSON line is read from the stdout of a separate `log-anomaly watch --json` process (publish, JetStream store, ordered consumer, print, pipe).',
    '',
    '| p50 | p90 | p99 | max |',
    '|---|---|---|---|',
    `| **${pct(lat, 50).toFixed(2)} ms** | ${pct(lat, 90).toFixed(2)} ms | **${pct(lat, 99).toFixed(2)} ms** | ${lat.at(-1).toFixed(2)} ms |`,
    '',
    'Command: `npm run build && node bench/nats-events.bench.mjs` (NATS_URL, BENCH_EVENTS, BENCH_SAMPLES to change).',
    '',
  ].join('\n');
  process.stdout.write(out);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'nats-events.md'), out);
} finally {
  for (const s of [names.eventStream, `KV_${names.runsBucket}`]) await jsm.streams.delete(s).catch(() => false);
  await nc.close();
}
