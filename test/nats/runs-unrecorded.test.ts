/**
 * `runs` over NATS lists a run that holds a lease but has no record in the runs KV: an execution
 * SIGKILLed between its first event being stored and its record being put (a window of a few ms,
 * which made watch-crashed's `runs` step flaky) is still a run the user started and `watch` knows.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLeaseKv } from '../../src/durable/lease-nats.js';
import type { LeaseInfo } from '../../src/durable/lease.js';
import { runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { cleanupPrefix, connectTest, NATS_URL, uniquePrefix } from '../helpers/nats.js';

const prefix = uniquePrefix('runsls');
let dir: string;
let settings: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-runsls-'));
  settings = join(dir, 'settings.yaml');
  await writeFile(settings, `${demoSourceYaml()}nats: { prefix: ${prefix} }\n`);
});
afterAll(async () => {
  await cleanupPrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

function lease(runId: string, heartbeatAgoMs: number, intervalMs: number): LeaseInfo {
  const at = new Date(Date.now() - heartbeatAgoMs).toISOString();
  return { v: 1, runId, pid: 4242, host: 'elsewhere.invalid', startedAt: at, heartbeatAt: at, intervalMs, token: 'test' };
}

it('a leased run with no record: crashed when its heartbeat stopped, running while it beats', async () => {
  const nc = await connectTest();
  const stale = lease('unrec-dead', 10_000, 1000);
  try {
    const kv = await openLeaseKv(nc, prefix);
    await kv.put('unrec-dead', JSON.stringify(stale));
    await kv.put('unrec-live', JSON.stringify(lease('unrec-live', 0, 600_000)));
  } finally {
    await nc.close();
  }
  const listed = await runCli(['runs', '--json', '--out-dir', join(dir, 'empty'), '--nats', NATS_URL, '--config', settings]);
  expect(listed.code, listed.stderr).toBe(0);
  const rows = JSON.parse(listed.stdout) as { runId: string; status: string; problem?: string; startedAt?: string }[];
  expect(rows.find((r) => r.runId === 'unrec-dead')).toMatchObject({ status: 'crashed', problem: `no heartbeat since ${stale.heartbeatAt}`, startedAt: stale.startedAt });
  expect(rows.find((r) => r.runId === 'unrec-live')).toMatchObject({ status: 'running' });
}, 60_000);
