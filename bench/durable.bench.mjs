// Resume overhead and lease latency (issue 13). Run: `npm run build && node bench/durable.bench.mjs`
// Prints medians: a fresh demo run vs `--resume` of the same run with every step already done
// (both as CLI processes, wall time), and acquire+release of the local lease file and the NATS
// KV lease (NATS_URL or 127.0.0.1:4222).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const N = Number(process.env.BENCH_RUNS ?? 5);
const out = mkdtempSync(join(tmpdir(), 'lap-bench-durable-'));
const env = { ...process.env, CI: '1', NATS_URL: '' };
const time = (args) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - t;
};

const fresh = [];
const resumed = [];
for (let i = 0; i < N; i++) {
  const id = `b${i}`;
  fresh.push(time(['run', '--out-dir', out, '--skip-install', '--run-id', id]));
  resumed.push(time(['run', '--out-dir', out, '--skip-install', '--resume', id]));
}
console.log(`demo run, fresh:               median ${median(fresh).toFixed(0)} ms (n=${N})`);
console.log(`demo run, --resume (all done): median ${median(resumed).toFixed(0)} ms (n=${N}); ratio ${(median(resumed) / median(fresh)).toFixed(2)}`);

const { acquireFileLease } = await import(join(root, 'dist', 'durable', 'lease-file.js'));
const local = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  const l = await acquireFileLease(out, { runId: 'lease-bench', intervalMs: 60_000 });
  await l.release();
  local.push(performance.now() - t);
}
console.log(`local lease acquire+release:   median ${median(local).toFixed(3)} ms (n=200)`);

try {
  const { connect } = await import('@nats-io/transport-node');
  const { acquireNatsLease, openLeaseKv } = await import(join(root, 'dist', 'durable', 'lease-nats.js'));
  const nc = await connect({ servers: process.env.NATS_URL || 'nats://127.0.0.1:4222' });
  const prefix = `lapbench_${Date.now().toString(36)}`;
  const kv = await openLeaseKv(nc, prefix);
  const remote = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    const l = await acquireNatsLease(kv, { runId: 'lease-bench', intervalMs: 60_000 });
    await l.release();
    remote.push(performance.now() - t);
  }
  console.log(`NATS lease acquire+release:    median ${median(remote).toFixed(3)} ms (n=100)`);
  await kv.destroy();
  await nc.close();
} catch (err) {
  console.log(`NATS lease: not measured (${err.message})`);
}
rmSync(out, { recursive: true, force: true });
