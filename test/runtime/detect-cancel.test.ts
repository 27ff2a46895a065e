/**
 * The real detection step (execute_logAnomaly) over a large events file, stopped by the step's
 * timeout and by a cancel (what SIGINT and `q` call): the run ends `failed` (timeout) or
 * `cancelled` with run.json written, and the detector itself stops, before it could have read its
 * input (the last progress it reported is far below the input's lines; a finished read reports
 * them all). Ingestion is replaced by a service that hands over a pre-written events file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createBus } from '../../src/bus/bus.js';
import type { BusEvent } from '../../src/bus/events.js';
import type { Services } from '../../src/contracts.js';
import { startRun } from '../../src/runtime.js';
import { executeLogAnomaly } from '../../src/services/detect.js';
import type { ServiceContext } from '../../src/services/context.js';
import { settingsIn, stubServices, tempDir } from './fixtures.js';

const LINES = 600_000;
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
let dir: string;
let eventsFile: string;

beforeAll(async () => {
  dir = tempDir();
  eventsFile = join(dir, 'events.ndjson');
  const out = createWriteStream(eventsFile);
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    chunk += `{"timestamp":${T0 + i * 10},"stream":"svc-${i % 4}","message":"job ${i % 977} step ${i % 13} done in ${(i * 7) % 50}ms user ${i % 4099}","level":"${i % 31 === 0 ? 'ERROR' : 'INFO'}"}\n`;
    if (chunk.length > 1 << 20 && !out.write(chunk)) await once(out, 'drain');
    if (chunk.length > 1 << 20) chunk = '';
  }
  out.end(chunk);
  await once(out, 'finish');
  await writeFile(join(dir, 'config.yaml'), 'version: 1\n');
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The real detect service, watched: how far it got and how it ended. */
function watchedDetect() {
  let lines = 0;
  let settle!: (how: { ok: boolean; err?: any }) => void;
  const settled = new Promise<{ ok: boolean; err?: any }>((r) => (settle = r));
  let markStarted!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const fn: Services['executeLogAnomaly'] = async (input, ctx: ServiceContext) => {
    markStarted();
    try {
      const out = await executeLogAnomaly(input, { ...ctx, progress: (p) => {
        lines = Math.max(lines, p.current);
        ctx.progress(p);
      } });
      settle({ ok: true });
      return out;
    } catch (err) {
      settle({ ok: false, err });
      throw err;
    }
  };
  return { fn, settled, started, lines: () => lines };
}

async function runWith(timeoutMs: number, runId: string, onStarted?: (cancel: () => void) => void) {
  const settings = { ...settingsIn(dir, 120_000, 1) };
  const steps = { ...settings.steps, execute_logAnomaly: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs } };
  const bus = createBus({ runId });
  const events: BusEvent[] = [];
  bus.events$.subscribe((e) => events.push(e));
  const detect = watchedDetect();
  const stubs = stubServices();
  const handle = startRun({
    settings: { ...settings, steps: steps },
    params: { runId, skipInstall: true, dryRun: false },
    bus,
    services: {
      ...stubs,
      ingestLogs: async () => ({ eventsFile, lines: LINES, bytes: 0, streams: ['svc-0', 'svc-1', 'svc-2', 'svc-3'], unparsed: 0, from: T0, to: T0 + LINES * 10, source: 'pre-written events' }),
      downloadConfig: async () => ({ config: (await import('../../src/detector/defaults.js')).DEFAULT_DETECTION_CONFIG, version: '1', origin: 'config.yaml', fromCache: false, file: join(dir, 'config.yaml') }),
      executeLogAnomaly: detect.fn,
    },
  });
  if (onStarted) void detect.started.then(() => onStarted(() => handle.cancel('cancelled from the terminal UI')));
  const result = await handle.result;
  const ended = await detect.settled;
  const runJson = JSON.parse(await readFile(join(handle.runDir, 'run.json'), 'utf8'));
  return { result, ended, runJson, lines: detect.lines(), events };
}

describe('a long detection is stopped by its timeout and by cancel', () => {
  it('step timeout: the run fails naming the timeout, run.json says so, the detector stopped mid-input', async () => {
    const { result, ended, runJson, lines } = await runWith(300, 'detect-timeout');
    expect(result).toMatchObject({ status: 'failed', failedStep: 'execute_logAnomaly', exitCode: 1 });
    expect(result.error?.code).toBe('TIMEOUT');
    expect(runJson.status).toBe('failed');
    expect(ended.ok).toBe(false);
    expect(ended.err?.code).toBe('ABORTED');
    expect(lines).toBeLessThan(LINES / 2);
  }, 120_000);

  it('cancel (SIGINT, q): the run ends cancelled, run.json written, the detector stopped mid-input', async () => {
    const { result, ended, runJson, lines, events } = await runWith(120_000, 'detect-cancel', (cancel) => setTimeout(cancel, 100));
    expect(result).toMatchObject({ status: 'cancelled', exitCode: 1 });
    expect(runJson.status).toBe('cancelled');
    expect(ended.ok).toBe(false);
    expect(ended.err?.code).toBe('ABORTED');
    expect(lines).toBeLessThan(LINES / 2);
    expect(events.some((e) => e.type === 'step' && e.step === 'execute_logAnomaly' && e.status === 'cancelled')).toBe(true);
  }, 120_000);
});
