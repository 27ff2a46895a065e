import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createBus } from '../../src/bus/bus.js';
import { attachNatsPublisher } from '../../src/bus/nats/publish.js';
import { followRunEvents } from '../../src/bus/nats/replay.js';
import { natsNames, runEventsFilter } from '../../src/bus/nats/names.js';
import type { RunRecord } from '../../src/bus/nats/run-record.js';
import { happyRun, failedRun } from '../helpers/event-scripts.js';
import { cleanupPrefix, connectTest, NATS_URL, testNatsSettings, uniquePrefix, waitForFollower } from '../helpers/nats.js';
import { collect, emitScript } from '../helpers/nats-scripts.js';

const prefix = uniquePrefix('pub');
const settings = testNatsSettings(prefix);
const names = natsNames(prefix);
let nc: NatsConnection;
const logs: string[] = [];
const log = (level: string, msg: string) => logs.push(`${level}: ${msg}`);

beforeAll(async () => {
  nc = await connectTest();
});
afterAll(async () => {
  await nc?.close();
  await cleanupPrefix(prefix);
});

async function storedBySubject(runId: string): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(names.eventStream, { subjects_filter: runEventsFilter(names, runId) });
  return info.state.subjects ?? {};
}

async function publishRun(runId: string, script = happyRun()) {
  const bus = createBus({ runId });
  const handle = await attachNatsPublisher(bus, { servers: [NATS_URL], settings, require: true, log, env: {} });
  expect(handle).not.toBeNull();
  const emitted = emitScript(bus, script);
  bus.complete();
  await handle!.close();
  return emitted;
}

describe('publishing and late replay', () => {
  it('stores every event with subject, msg id and seq, and a late watcher replays them in order with no gaps', async () => {
    const runId = 'late.join-1';
    const emitted = await publishRun(runId);

    const stored = await storedBySubject(runId);
    expect(Object.values(stored).reduce((a, b) => a + b, 0)).toBe(emitted.length);
    const subjects = Object.keys(stored);
    expect(subjects).toContain(`${prefix}.events.late%2Ejoin-1.run`);
    expect(subjects).toContain(`${prefix}.events.late%2Ejoin-1.report_postProcess.analyze_report.send_notification_emails.step`);

    const { values, done } = collect(followRunEvents(nc, { names, runId }));
    await done;
    expect(values.map((e) => e.seq)).toEqual(emitted.map((_, i) => i + 1));
    expect(values).toEqual(emitted);
  });

  it('keeps the latest status per run in the KV bucket', async () => {
    await publishRun('kv-run', failedRun());
    const kv = await new Kvm(nc).open(names.runsBucket);
    const rec = (await kv.get('kv-run'))!.json<RunRecord>();
    expect(rec).toMatchObject({ runId: 'kv-run', status: 'failed', exitCode: 1, failedStep: 'report_postProcess/upload_report', executions: 1 });
    // The duration is the span between the first and the final event's times.
    expect(Date.parse(rec.finishedAt!)).not.toBeNaN();
    expect(rec.durationMs).toBe(Date.parse(rec.finishedAt!) - Date.parse(rec.startedAt!));
  });

  it('a watcher started before the run sees it from its first event and completes at the final one', async () => {
    const runId = 'early-join';
    const early = collect(followRunEvents(nc, { names, runId }));
    const nextRun = collect(followRunEvents(nc, { names }));
    // Both consumers exist before anything is published.
    await waitForFollower(prefix, runEventsFilter(names, runId));
    await waitForFollower(prefix, runEventsFilter(names));
    const emitted = await publishRun(runId);
    await early.done;
    await nextRun.done;
    expect(early.values).toEqual(emitted);
    expect(nextRun.values).toEqual(emitted);
  });

  it('a re-executed run continues its sequence instead of being dropped as duplicates', async () => {
    const runId = 'again';
    const first = await publishRun(runId, failedRun());
    const second = await publishRun(runId);
    const { values, done } = collect(followRunEvents(nc, { names, runId }));
    // The first execution's final event does not end the replay: more history follows it.
    await done;
    expect(values.map((e) => e.seq)).toEqual([...first, ...second].map((_, i) => i + 1));
    expect(values.filter((e) => e.type === 'run').map((e) => e.type === 'run' && e.status)).toEqual(['started', 'failed', 'started', 'completed']);
    const stored = await storedBySubject(runId);
    expect(Object.values(stored).reduce((a, b) => a + b, 0)).toBe(first.length + second.length);
    const kv = await new Kvm(nc).open(names.runsBucket);
    const rec = (await kv.get(runId))!.json<RunRecord>();
    expect(rec).toMatchObject({ status: 'completed', executions: 2, lastSeq: first.length + second.length });
  });
});
