/**
 * `watch` of a dead run (issue 13, point 2): a `run --nats` SIGKILLed mid-run that nobody takes
 * over ends the watch with `crashed` (exit 1) once its lease is stale, instead of hanging; a lease
 * whose heartbeat stopped on another host is stale after 3 intervals; a live lease never is.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import { natsNames } from '../../src/bus/nats/names.js';
import { attachNatsPublisher } from '../../src/bus/nats/publish.js';
import { followRunEvents } from '../../src/bus/nats/replay.js';
import { leaseLivenessProbe, type LivenessProbe } from '../../src/bus/nats/run-liveness.js';
import { watch } from '../../src/cli/commands/watch.js';
import { openLeaseKv } from '../../src/durable/lease-nats.js';
import type { LeaseInfo } from '../../src/durable/lease.js';
import { runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { runAndKillAt } from '../helpers/kill-at.js';
import { cleanupPrefix, connectTest, NATS_URL, testNatsSettings, uniquePrefix } from '../helpers/nats.js';
import { memoryIo } from '../helpers/nats-cli.js';
import { collect } from '../helpers/nats-scripts.js';

const prefix = uniquePrefix('wdead');
const names = natsNames(prefix);
let dir: string;
let settings: string;
const INTERVAL = { LOG_ANOMALY_LEASE_INTERVAL_MS: '200' };
const params = { skipInstall: false, dryRun: false };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-wdead-'));
  // The install step waits for a file that never comes: the run is mid-way when it is killed.
  const wait = `setInterval(()=>{},1000)`;
  settings = join(dir, 'settings.yaml');
  await writeFile(settings, `${demoSourceYaml().replace('install: { commands: [] }', `install: { commands: [[${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(wait)}]] }`)}nats: { prefix: ${prefix} }\n`);
});
afterAll(async () => {
  await cleanupPrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

it('a SIGKILLed run --nats that nobody takes over: watch ends with crashed (exit 1) instead of hanging', async () => {
  const nats = ['--nats', NATS_URL, '--config', settings];
  const killed = await runAndKillAt(['run', '--run-id', 'dead-1', '--out-dir', join(dir, 'runs'), '--require-nats', ...nats], (e) => e.type === 'step' && e.step === 'install_packages' && e.status === 'running', INTERVAL);
  expect(killed.killed, killed.stderr).toBe(true);

  const w = await runCli(['watch', 'dead-1', '--json', ...nats], { env: INTERVAL });
  expect(w.code, w.stderr).toBe(1);
  const events = w.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const last = events.at(-1);
  expect(last).toMatchObject({ type: 'run', runId: 'dead-1', status: 'crashed', exitCode: 1, error: { code: 'CRASHED' } });
  // Everything the run published comes first, once, and the crashed event follows its last seq.
  expect(events.slice(0, -1).map((e) => e.seq)).toEqual(events.slice(0, -1).map((_, i) => i + 1));
  expect(last.seq).toBe(events.length);

  // The line form says so too.
  const lines = await runCli(['watch', 'dead-1', ...nats], { env: INTERVAL });
  expect(lines.code).toBe(1);
  expect(lines.stdout.trimEnd().split('\n').at(-1)).toMatch(/run dead-1 crashed \(run dead-1 stopped without finishing: its process \(pid \d+ on \S+\) is gone; no execution has taken it over\) exit=1$/);

  // `runs` over NATS alone (an empty local folder) shows it crashed too, not running forever.
  const listed = await runCli(['runs', '--json', '--out-dir', join(dir, 'elsewhere'), ...nats], { env: INTERVAL });
  expect(listed.code, listed.stderr).toBe(0);
  const row = (JSON.parse(listed.stdout) as { runId: string; status: string; problem?: string }[]).find((r) => r.runId === 'dead-1');
  expect(row).toMatchObject({ status: 'crashed', problem: expect.stringMatching(/^pid \d+ on \S+ is gone$/) });
}, 120_000);

async function publishStarted(runId: string) {
  const bus = createBus({ runId });
  const h = await attachNatsPublisher(bus, { servers: [NATS_URL], settings: testNatsSettings(prefix), require: true, log: () => {}, env: {} });
  bus.emit({ type: 'run', status: 'started', params });
  bus.emit({ type: 'step', step: 'install_packages', name: 'install_packages', status: 'running' } as never);
  return { bus, close: () => h!.close() };
}

function lease(runId: string, heartbeatAgoMs: number, intervalMs: number): LeaseInfo {
  const at = new Date(Date.now() - heartbeatAgoMs).toISOString();
  return { v: 1, runId, pid: 4242, host: 'elsewhere.invalid', startedAt: at, heartbeatAt: at, intervalMs, token: 'test' };
}

it('a lease on another host whose heartbeat stopped 3 intervals ago: watch ends crashed, naming the last heartbeat', async () => {
  const pub = await publishStarted('dead-2');
  await pub.close();
  const nc = await connectTest();
  try {
    const kv = await openLeaseKv(nc, prefix);
    const held = lease('dead-2', 10_000, 1000);
    await kv.put('dead-2', JSON.stringify(held));
    const io = memoryIo(INTERVAL);
    const code = await watch({ runId: 'dead-2', nats: NATS_URL, config: settings }, io);
    expect(code).toBe(1);
    expect(io.out().trimEnd().split('\n').at(-1)).toContain(`crashed (run dead-2 stopped without finishing: its lease (pid 4242 on elsewhere.invalid) has had no heartbeat since ${held.heartbeatAt}, more than 3 intervals of 1000 ms`);
  } finally {
    await nc.close();
  }
}, 60_000);

it('a live lease (heartbeats keep coming) never ends the watch: it ends at the run own final event', async () => {
  const pub = await publishStarted('alive-1');
  const nc = await connectTest();
  const kv = await openLeaseKv(nc, prefix);
  await kv.put('alive-1', JSON.stringify(lease('alive-1', 0, 100)));
  const beat = setInterval(() => void kv.put('alive-1', JSON.stringify(lease('alive-1', 0, 100))).catch(() => undefined), 50);
  try {
    // Count the probe's answers; once it has said "alive" several times, the run ends on its own.
    const real = leaseLivenessProbe(kv);
    let alive = 0;
    let onAlive: () => void = () => {};
    const probed = new Promise<void>((r) => (onAlive = () => ++alive >= 5 && r()));
    const probe: LivenessProbe = {
      async deadExecution(runId) {
        const dead = await real.deadExecution(runId);
        if (!dead) onAlive();
        return dead;
      },
    };
    const { values, done } = collect(followRunEvents(nc, { names, runId: 'alive-1', liveness: probe, livenessEveryMs: 100 }));
    await probed;
    pub.bus.emit({ type: 'run', status: 'completed', params, exitCode: 0 });
    await pub.close();
    await done;
    expect(values.map((e) => (e.type === 'run' ? e.status : e.type))).toEqual(['started', 'step', 'completed']);
  } finally {
    clearInterval(beat);
    await nc.close();
  }
}, 60_000);
