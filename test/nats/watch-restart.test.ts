/**
 * `watch` across a NATS server restart (issue 13, point 7): the built CLI watches a run on a private
 * nats-server that is SIGKILLed and started again mid-stream; every stored event is printed once,
 * in order (the watcher resumes after the last stream sequence it saw), and a live watcher that
 * joined before the restart follows the next run, not the history the restart could replay.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { createBus } from '../../src/bus/bus.js';
import { attachNatsPublisher } from '../../src/bus/nats/publish.js';
import { natsNames } from '../../src/bus/nats/names.js';
import type { BusEventDraft } from '../../src/bus/events.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { startAndWaitFor } from '../helpers/kill-at.js';
import { connectTest, startPrivateNats, testNatsSettings, uniquePrefix, type PrivateNats } from '../helpers/nats.js';

let server: PrivateNats;
let dir: string;
beforeAll(async () => {
  server = await startPrivateNats();
  dir = mkdtempSync(join(tmpdir(), 'lap-wrestart-'));
});
afterAll(async () => {
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const params = { skipInstall: true, dryRun: true };
const logs = (from: number, n: number): BusEventDraft[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'log', level: 'info', msg: `line ${from + i} ${'x'.repeat(200)}` }) as const);

async function publisher(prefix: string, runId: string) {
  const bus = createBus({ runId });
  const handle = await attachNatsPublisher(bus, { servers: [server.url], settings: testNatsSettings(prefix, [server.url]), require: true, log: () => {}, env: {} });
  return { bus, close: () => handle!.close() };
}

const watchArgs = (prefix: string, ...rest: string[]) => ['watch', ...rest, '--nats', server.url, '--config', settingsFile(prefix)];

it('watch RUN: the server is killed and restarted mid-stream; every event is printed once, in order', async () => {
  const prefix = uniquePrefix('wrs');
  const pub = await publisher(prefix, 'w1');
  pub.bus.emit({ type: 'run', status: 'started', params });
  for (const e of logs(0, 3000)) pub.bus.emit(e);
  await pub.close();

  const watch = startAndWaitFor(watchArgs(prefix, 'w1'), (e) => e.seq === 200);
  await watch.seen;
  await server.stop('SIGKILL');
  // Published while the server is down (buffered by the publisher), then after it is back.
  const pub2 = await server.start().then(() => publisher(prefix, 'w1'));
  for (const e of logs(3000, 500)) pub2.bus.emit(e);
  pub2.bus.emit({ type: 'run', status: 'completed', params, exitCode: 0 });
  await pub2.close();
  const published = Date.now();

  const done = await watch.exited;
  expect(done.code, done.stderr).toBe(0);
  // It resumes when the connection is back, not after the client's missed-heartbeat timeout (2 x 15 s).
  expect(Date.now() - published).toBeLessThan(20_000);
  const seqs = watch.events.map((e) => e.seq);
  expect(seqs.length).toBe(3502);
  expect(seqs).toEqual(Array.from({ length: 3502 }, (_, i) => i + 1));
  expect(watch.events.at(-1)).toMatchObject({ type: 'run', status: 'completed' });
}, 90_000);

it('watch (the next run) joined before a restart: follows the run that starts after it, not the replayed history', async () => {
  const prefix = uniquePrefix('wrn');
  const old = await publisher(prefix, 'old');
  old.bus.emit({ type: 'run', status: 'started', params });
  for (const e of logs(0, 20)) old.bus.emit(e);
  old.bus.emit({ type: 'run', status: 'completed', params, exitCode: 0 });
  await old.close();

  const watch = startAndWaitFor(watchArgs(prefix), (e) => e.type === 'run' && e.status === 'completed');
  await untilConsumerExists(prefix);
  await server.stop('SIGKILL');
  await server.start();
  const next = await publisher(prefix, 'next');
  next.bus.emit({ type: 'run', status: 'started', params });
  for (const e of logs(0, 5)) next.bus.emit(e);
  next.bus.emit({ type: 'run', status: 'completed', params, exitCode: 0 });
  await next.close();

  const done = await watch.exited;
  expect(done.code, done.stderr).toBe(0);
  expect(new Set(watch.events.map((e) => e.runId))).toEqual(new Set(['next']));
  expect(watch.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
}, 90_000);

/** The watcher has joined once the server holds its consumer on the event stream. */
async function untilConsumerExists(prefix: string): Promise<void> {
  const nc = await connectTest(server.url);
  try {
    const jsm = await jetstreamManager(nc);
    const stream = natsNames(prefix).eventStream;
    for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      const info = await jsm.streams.info(stream).catch(() => undefined);
      if ((info?.state.consumer_count ?? 0) > 0) return;
    }
    throw new Error('the watcher never created its consumer');
  } finally {
    await nc.close();
  }
}

/** watch reads only the settings' nats block: the prefix keeps each test's names apart. */
function settingsFile(prefix: string): string {
  const file = join(dir, `${prefix}.yaml`);
  writeFileSync(file, `${demoSourceYaml()}nats: { prefix: ${prefix} }\n`);
  return file;
}
