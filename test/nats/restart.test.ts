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
  await new Promise((r) => setTimeout(r, 500));
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
