import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import { attachNatsPublisher } from '../../src/bus/nats/publish.js';
import { followRunEvents } from '../../src/bus/nats/replay.js';
import { natsNames } from '../../src/bus/nats/names.js';
import { happyRun } from '../helpers/event-scripts.js';
import { connectTest, startPrivateNats, testNatsSettings, uniquePrefix, type PrivateNats } from '../helpers/nats.js';
import { collect, emitScript } from '../helpers/nats-scripts.js';

let server: PrivateNats;
beforeAll(async () => {
  server = await startPrivateNats();
});
afterAll(async () => {
  await server?.dispose();
});

it('NATS restarted mid-run: the run goes on, and no event is lost or duplicated', async () => {
  const prefix = uniquePrefix('rst');
  const settings = testNatsSettings(prefix, [server.url]);
  const names = natsNames(prefix);
  const logs: string[] = [];
  const bus = createBus({ runId: 'restarted' });
  const handle = await attachNatsPublisher(bus, { servers: [server.url], settings, require: true, log: (l, m) => logs.push(`${l}: ${m}`), env: {} });
  const script = happyRun();
  const third = Math.floor(script.length / 3);

  const before = emitScript(bus, script.slice(0, third));
  await server.stop();
  // Events emitted while NATS is down are buffered; emitting never blocks or throws.
  const during = emitScript(bus, script.slice(third, 2 * third));
  // Start again only once the publisher has seen NATS gone (what the buffering is for).
  await until(() => logs.some((l) => l.startsWith('warn: NATS publish failing')));
  expect(handle!.stats().pending).toBeGreaterThan(0);
  await server.start();
  const after = emitScript(bus, script.slice(2 * third));
  bus.complete();
  await handle!.close();
  const emitted = [...before, ...during, ...after];

  expect(handle!.stats().pending).toBe(0);
  expect(logs.some((l) => l.startsWith('warn: NATS publish failing'))).toBe(true);

  const nc = await connectTest(server.url);
  try {
    const { values, done } = collect(followRunEvents(nc, { names, runId: 'restarted' }));
    await done;
    expect(values).toEqual(emitted);
    // The stream itself (not only the reordering watcher) holds each seq exactly once.
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(names.eventStream);
    expect(info.state.messages).toBe(emitted.length);
  } finally {
    await nc.close();
  }
});

it('a worker keeps taking requests after NATS restarts', async () => {
  const prefix = uniquePrefix('wrst');
  const names = natsNames(prefix);
  const { scriptedStart, startTestWorker } = await import('../helpers/nats-worker.js');
  const { submitRunRequest } = await import('../../src/bus/nats/requests.js');
  const started: string[] = [];
  const w = await startTestWorker(names, scriptedStart({ onStart: (r) => started.push(r.runId) }), { url: server.url, name: 'r' });
  const nc = await connectTest(server.url);
  try {
    await submitRunRequest(nc, names, { runId: 'before', skipInstall: false, dryRun: false });
    await until(() => w.worker.finished.includes('before'));
    await server.restart({ downMs: 300 });
    // Our own client also reconnects (default options); submit once it is back.
    await until(() => !nc.isClosed() && nc.info !== undefined, 15_000);
    await retry(() => submitRunRequest(nc, names, { runId: 'after', skipInstall: false, dryRun: false }));
    await until(() => w.worker.finished.includes('after'), 20_000);
    expect(started).toEqual(['before', 'after']);
  } finally {
    await w.close();
    await nc.close();
  }
}, 60_000);

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function retry<T>(fn: () => Promise<T>, attempts = 40): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
