/**
 * `watch RUN_ID --tui`: the same terminal UI, fed by a run replayed from JetStream. It draws the
 * remote run's final screen and exits with the run's code; it never cancels anything.
 */
import { Console } from 'node:console';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import { attachNatsPublisher } from '../../src/bus/nats/publish.js';
import { watch } from '../../src/cli/commands/watch.js';
import { failedRun } from '../helpers/event-scripts.js';
import { cleanupPrefix, NATS_URL, testNatsSettings, uniquePrefix } from '../helpers/nats.js';
import { memoryIo } from '../helpers/nats-cli.js';
import { emitScript } from '../helpers/nats-scripts.js';
import { fakeTerminal } from '../tui/fake-tty.js';

// vitest's console lacks `Console`, which Ink's patchConsole (on in production) builds on.
(console as unknown as { Console: typeof Console }).Console ??= Console;

const prefix = uniquePrefix('wtui');
const dir = mkdtempSync(join(tmpdir(), 'lap-wtui-'));
const config = join(dir, 'settings.yaml');
writeFileSync(config, `source: { type: file, paths: [x.log] }\nformat: { type: raw }\ndetectionConfig: { location: d.yaml }\nupload: { type: local, dir: up }\nnats: { prefix: ${prefix} }\n`);

afterAll(async () => {
  await cleanupPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe('watch --tui', () => {
  it('replays a finished remote run into the terminal UI and exits with its code', async () => {
    const bus = createBus({ runId: 'wtui-1' });
    const pub = await attachNatsPublisher(bus, { servers: [NATS_URL], settings: testNatsSettings(prefix), require: true, log: () => {}, env: {} });
    const emitted = emitScript(bus, failedRun());
    await pub!.close();
    const last = emitted.at(-1)!;
    expect(last).toMatchObject({ type: 'run', status: 'failed' });

    const term = fakeTerminal(100, 30);
    const io = { ...memoryIo(), stdout: term.stdout as never, stdin: term.stdin as never, stderr: term.stderr as never };
    const code = await watch({ runId: 'wtui-1', tui: true, nats: NATS_URL, config }, io);
    expect(code).toBe(1);
    const frame = term.stdout.lastFrame();
    expect(frame).toContain('log-anomaly-pipeline');
    expect(frame).toContain('failed');
    expect(frame).toContain('execute_cloudwatchLog_injetion');
    expect(term.stdin.isRaw).toBe(false);
  });
});
