import { afterAll, beforeAll, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsNames } from '../../src/bus/nats/names.js';
import { followRunEvents } from '../../src/bus/nats/replay.js';
import { submitRunRequest } from '../../src/bus/nats/requests.js';
import type { RunRecord } from '../../src/bus/nats/run-record.js';
import { cleanupPrefix, connectTest, uniquePrefix } from '../helpers/nats.js';
import { collect } from '../helpers/nats-scripts.js';
import { scriptedStart, startTestWorker } from '../helpers/nats-worker.js';

const prefix = uniquePrefix('wq');
const names = natsNames(prefix);
let nc: NatsConnection;
beforeAll(async () => {
  nc = await connectTest();
});
afterAll(async () => {
  await nc?.close();
  await cleanupPrefix(prefix);
});

function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() > until) {
        clearInterval(t);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

it('two workers share ten submitted runs and each run executes exactly once', async () => {
  const executions = new Map<string, string[]>();
  // The first run holds until a second run is executing: that one can only be on the other worker
  // (concurrency 1 each), which proves the queue is shared, without timing assumptions.
  let second: () => void = () => {};
  const secondStarted = new Promise<void>((r) => (second = r));
  const startFor = (name: string) =>
    scriptedStart({
      onStart: (req) => {
        executions.set(req.runId, [...(executions.get(req.runId) ?? []), name]);
        if (executions.size === 2) second();
      },
      gate: (req) => (req.runId === 'q-0' ? secondStarted : new Promise((r) => setTimeout(r, 10))),
    });
  const a = await startTestWorker(names, startFor('a'), { name: 'a' });
  const b = await startTestWorker(names, startFor('b'), { name: 'b' });
  const ids = Array.from({ length: 10 }, (_, i) => `q-${i}`);
  for (const runId of ids) await submitRunRequest(nc, names, { runId, skipInstall: false, dryRun: false });
  // A retried submit of the same run id is deduplicated by the queue.
  expect((await submitRunRequest(nc, names, { runId: 'q-3', skipInstall: false, dryRun: false })).duplicate).toBe(true);

  await waitFor(() => a.worker.finished.length + b.worker.finished.length === 10, 'ten finished runs');
  await a.close();
  await b.close();

  expect([...executions.keys()].sort()).toEqual([...ids].sort());
  for (const [runId, by] of executions) expect(by, runId).toHaveLength(1);
  expect([...a.worker.finished, ...b.worker.finished].sort()).toEqual([...ids].sort());
  expect(a.worker.finished.length).toBeGreaterThan(0);
  expect(b.worker.finished.length).toBeGreaterThan(0);

  const jsm = await jetstreamManager(nc);
  expect((await jsm.streams.info(names.requestStream)).state.messages).toBe(0); // all acked
  const kv = await new Kvm(nc).open(names.runsBucket);
  for (const runId of ids) expect((await kv.get(runId))!.json<RunRecord>()).toMatchObject({ status: 'completed', executions: 1 });

  // Every run's events are on the stream, complete and in order.
  const { values, done } = collect(followRunEvents(nc, { names, runId: 'q-7' }));
  await done;
  expect(values.map((e) => e.seq)).toEqual(values.map((_, i) => i + 1));
  expect(values.at(-1)).toMatchObject({ type: 'run', status: 'completed' });
});

it('drain stops taking requests; a run still going after the grace period is cancelled and acked', async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  const started: string[] = [];
  const w = await startTestWorker(names, scriptedStart({ onStart: (r) => started.push(r.runId), gate: () => held }), { graceMs: 300, name: 'd' });
  await submitRunRequest(nc, names, { runId: 'drain-1', skipInstall: false, dryRun: false });
  await waitFor(() => started.length === 1, 'the run to start');
  w.worker.drain();
  await submitRunRequest(nc, names, { runId: 'drain-2', skipInstall: false, dryRun: false });
  await w.worker.done;
  release();
  await w.close();
  expect(started).toEqual(['drain-1']);
  expect(w.worker.finished).toEqual(['drain-1']);
  const kv = await new Kvm(nc).open(names.runsBucket);
  expect((await kv.get('drain-1'))!.json<RunRecord>().status).toBe('cancelled');
  const jsm = await jetstreamManager(nc);
  expect((await jsm.streams.info(names.requestStream)).state.messages).toBe(1); // drain-2 waits for a worker
});
