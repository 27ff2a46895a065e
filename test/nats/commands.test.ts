/**
 * watch / runs / submit as commands (in-process, real NATS): the lines a watcher prints are the
 * lines a local headless run prints, exit codes follow the run, bad input is exit-2 material.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import { attachNatsPublisher } from '../../src/bus/nats/publish.js';
import { natsNames, runEventsFilter } from '../../src/bus/nats/names.js';
import { runs } from '../../src/cli/commands/runs.js';
import { submit } from '../../src/cli/commands/submit.js';
import { watch } from '../../src/cli/commands/watch.js';
import { formatEventLine } from '../../src/cli/format-event.js';
import { UsageError } from '../../src/errors.js';
import { failedRun, happyRun, HOSTILE, hostileRun } from '../helpers/event-scripts.js';
import { cleanupPrefix, NATS_URL, testNatsSettings, uniquePrefix, waitForFollower } from '../helpers/nats.js';
import { memoryIo } from '../helpers/nats-cli.js';
import { emitScript } from '../helpers/nats-scripts.js';
import { scriptedStart, startTestWorker } from '../helpers/nats-worker.js';

const prefix = uniquePrefix('cmd');
const dir = mkdtempSync(join(tmpdir(), 'lap-cmd-'));
// The commands read the prefix from a settings file's nats block, like a deployment would.
const config = join(dir, 'settings.yaml');
writeFileSync(config, `source: { type: file, paths: [x.log] }\nformat: { type: raw }\ndetectionConfig: { location: d.yaml }\nupload: { type: local, dir: up }\nnats: { prefix: ${prefix} }\n`);

afterAll(async () => {
  await cleanupPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

async function publish(runId: string, script = happyRun()) {
  const bus = createBus({ runId });
  const h = await attachNatsPublisher(bus, { servers: [NATS_URL], settings: testNatsSettings(prefix), require: true, log: () => {}, env: {} });
  const emitted = emitScript(bus, script);
  await h!.close();
  return emitted;
}

describe('watch', () => {
  it('prints the same lines as a local headless run and exits with the run code', async () => {
    const emitted = await publish('cmd-fail', failedRun());
    const io = memoryIo();
    const code = await watch({ runId: 'cmd-fail', nats: NATS_URL, config }, io);
    expect(code).toBe(1);
    const expected = emitted.map(formatEventLine).filter((l) => l !== undefined).join('\n') + '\n';
    expect(io.out()).toBe(expected);
  });

  it('--json prints each event as NDJSON; hostile log text reaches the terminal escaped', async () => {
    const emitted = await publish('cmd-hostile', hostileRun());
    const io = memoryIo();
    const last = emitted.at(-1)!;
    expect(last.type).toBe('run');
    expect(await watch({ runId: 'cmd-hostile', json: true, nats: NATS_URL, config }, io)).toBe(last.type === 'run' ? last.exitCode : -1);
    expect(io.out().trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(emitted);
    const lines = memoryIo();
    await watch({ runId: 'cmd-hostile', nats: NATS_URL, config }, lines);
    expect(lines.out()).not.toContain('\u001b');
    expect(HOSTILE.length).toBeGreaterThan(0);
  });

  it('rejects bad input before connecting', async () => {
    await expect(watch({ runId: 'bad id!', nats: NATS_URL }, memoryIo())).rejects.toBeInstanceOf(UsageError);
    await expect(watch({ runId: 'x', all: true, nats: NATS_URL }, memoryIo())).rejects.toBeInstanceOf(UsageError);
  });

  it('an unknown run id is NOT_FOUND (exit 1) at once; --wait waits for it', async () => {
    await expect(watch({ runId: 'cmd-no-such-run', nats: NATS_URL, config }, memoryIo())).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^no such run: cmd-no-such-run .*--wait/),
    });
  });

  it('Ctrl-C stops following a run that has not finished (exit 130)', async () => {
    const io = memoryIo();
    const p = watch({ runId: 'never-started', wait: true, nats: NATS_URL, config }, io);
    await waitForFollower(prefix, runEventsFilter(natsNames(prefix), 'never-started'));
    io.signal('SIGINT');
    expect(await p).toBe(130);
  });
});

it('runs lists the KV bucket, newest first', async () => {
  await publish('cmd-list-1', failedRun());
  await publish('cmd-list-2', happyRun());
  const io = memoryIo();
  expect(await runs({ nats: NATS_URL, config, limit: 50 }, io)).toBe(0);
  const rows = io.out().trimEnd().split('\n');
  expect(rows[0]).toMatch(/^RUN ID\s+STATUS\s+STARTED\s+DURATION\s+ANOMALIES\s+INCIDENTS\s+REPORT$/);
  const two = rows.findIndex((r) => r.startsWith('cmd-list-2'));
  const one = rows.findIndex((r) => r.startsWith('cmd-list-1'));
  expect(two).toBeGreaterThan(0);
  expect(two).toBeLessThan(one);
  // The KV record carries no incident count: `-`.
  expect(rows[two]).toMatch(/completed .* 7 \(4 reported\)\s+-\s+file:\/\/\/tmp\/runs\/uploads\/run-20261126\/report\.html$/);
  const json = memoryIo();
  await runs({ nats: NATS_URL, config, json: true }, json);
  expect(JSON.parse(json.out()).find((r: { runId: string }) => r.runId === 'cmd-list-1')).toMatchObject({ status: 'failed', exitCode: 1 });
});

it('submit --wait queues the run and follows it to its exit code', async () => {
  const w = await startTestWorker(natsNames(prefix), scriptedStart(), { name: 'cmd' });
  try {
    const io = memoryIo();
    const code = await submit({ runId: 'cmd-submitted', wait: true, nats: NATS_URL, config }, io);
    expect(code).toBe(0);
    expect(io.err()).toContain('queued run cmd-submitted');
    expect(io.out()).toMatch(/run cmd-submitted started/);
    expect(io.out()).toMatch(/run cmd-submitted completed .* exit=0\n$/);
  } finally {
    await w.close();
  }
});
