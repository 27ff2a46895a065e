/**
 * What each step is given: outputs flow down the DAG through the real machines and runtime
 * (ingestion + config feed detection, detection feeds the analysis, the email gets the analysis and
 * the planned report URI, the upload gets the artifact list), and runPipeline's outDir moves the run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import type { Services } from '../../src/contracts.js';
import { NetworkError } from '../../src/errors.js';
import { runPipeline } from '../../src/index.js';
import { REPORT_ARTIFACTS } from '../../src/machines/index.js';
import { startRun } from '../../src/runtime.js';
import { analysis, settingsIn, stubServices, tempDir } from './fixtures.js';

type Call = NonNullable<Parameters<typeof stubServices>[0]>[number];

async function runWith(attempts: number) {
  const dir = tempDir();
  const calls: Call[] = [];
  const settings = settingsIn(dir, 5000, attempts);
  const handle = startRun({ settings, params: { runId: 'flow-1', skipInstall: false, dryRun: false }, bus: createBus({ runId: 'flow-1' }), services: stubServices(calls), random: () => 0 });
  const result = await handle.result;
  const input = (step: keyof Services) => calls.find((c) => c.step === step)!.input as any;
  return { dir, handle, result, calls, input };
}

describe('data flow between steps', () => {
  it('each service gets its predecessors\' outputs, the run directory and the planned report URI', async () => {
    const { dir, handle, result, calls, input } = await runWith(3);
    expect(result.status).toBe('completed');
    const runDir = handle.runDir;

    expect(input('installPackages')).toEqual({ commands: [], cwd: dir });
    expect(input('ingestLogs')).toEqual({ runDir, source: { type: 'file', paths: ['logs/*.log'] }, format: { type: 'raw' }, baseDir: dir, checkpointEveryMs: 2000 });
    // The config service's cached copy is a last resort: the service needs to know which attempt is the last.
    // Secrets: only the variables a step's settings name (none here), added by the composition root.
    expect(input('downloadConfig')).toEqual({ runDir, source: { location: 'config.yaml' }, baseDir: dir, attempts: 3, secrets: {} });

    expect(input('executeLogAnomaly')).toMatchObject({
      runDir,
      eventsFile: join(runDir, 'events.ndjson'),
      config: { version: '3' },
      detector: { type: 'builtin' },
      baseDir: dir,
      format: { type: 'raw' },
      mutesFile: join(dir, 'runs', 'mutes.json'),
      // An external detector command inherits the composition root's environment.
      env: process.env,
    });

    const planned = pathToFileURL(join(dir, 'uploads', 'flow-1', 'report.html')).href;
    expect(input('analyzeReport')).toEqual({
      runDir,
      runId: 'flow-1',
      dryRun: false,
      anomaliesFile: join(runDir, 'anomalies.json'),
      config: { version: '3', notify: { subjectPrefix: '[anomaly]' } },
      configMeta: { version: '3', origin: 'config.yaml', etag: undefined, revision: 'rev-9' },
      ingest: { lines: 10, streams: ['api', 'db'], from: 1, to: 2, source: 'file:logs/*.log (2 files)' },
      plannedReportUri: planned,
      mutesFile: join(dir, 'runs', 'mutes.json'),
    });
    // Emails go out after the upload and link what it produced (the fixture's upload returns this URI).
    expect(input('sendNotificationEmails')).toEqual({ runDir, runId: 'flow-1', subjectPrefix: '[anomaly]', smtp: undefined, reportUri: 'file:///up/flow-1/report.html', analysis, secrets: {} });
    expect(input('uploadReport')).toEqual({
      runDir,
      runId: 'flow-1',
      upload: { type: 'local', dir: join(dir, 'uploads') },
      baseDir: dir,
      artifacts: [...REPORT_ARTIFACTS],
      secrets: {},
    });

    // Order: install, then both prepare steps (any order), detection, analysis, upload, email.
    const order = calls.map((c) => c.step);
    expect(order[0]).toBe('installPackages');
    expect(new Set(order.slice(1, 3))).toEqual(new Set(['ingestLogs', 'downloadConfig']));
    expect(order.slice(3)).toEqual(['executeLogAnomaly', 'analyzeReport', 'uploadReport', 'sendNotificationEmails']);
    expect(calls.every((c) => c.ctx.attempt === 1)).toBe(true);
  });

  it('a retried step is told its attempt number', async () => {
    const dir = tempDir();
    const seen: number[] = [];
    const stubs = stubServices();
    const handle = startRun({
      settings: settingsIn(dir, 5000, 3),
      params: { runId: 'flow-2', skipInstall: true, dryRun: true },
      bus: createBus({ runId: 'flow-2' }),
      services: {
        ...stubs,
        downloadConfig: async (i, ctx) => {
          seen.push(ctx.attempt);
          if (ctx.attempt < 3) throw new NetworkError('config service unreachable');
          return stubs.downloadConfig(i, ctx);
        },
      },
      random: () => 0,
    });
    const result = await handle.result;
    expect(result.status).toBe('completed');
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('runPipeline outDir', () => {
  it('puts the run directory and a default local upload under outDir, nothing under output.dir', async () => {
    const dir = tempDir();
    const settings = settingsIn(dir);
    const defaulted = { ...settings, upload: { type: 'local' as const, dir: join(settings.output.dir, 'uploads') } };
    const calls: Call[] = [];
    const out = join(dir, 'elsewhere');
    const result = await runPipeline({ config: defaulted, runId: 'out-1', outDir: out, dryRun: true, services: stubServices(calls) });
    expect(result).toMatchObject({ status: 'completed', runDir: join(out, 'out-1') });
    expect(existsSync(join(out, 'out-1', 'run.json'))).toBe(true);
    expect(calls.find((c) => c.step === 'uploadReport')!.input).toMatchObject({ upload: { type: 'local', dir: join(out, 'uploads') } });
    expect(existsSync(settings.output.dir)).toBe(false);
  });

  it('leaves an explicitly configured upload where it is', async () => {
    const dir = tempDir();
    const calls: Call[] = [];
    await runPipeline({ config: settingsIn(dir), runId: 'out-2', outDir: join(dir, 'elsewhere'), dryRun: true, services: stubServices(calls) });
    expect(calls.find((c) => c.step === 'uploadReport')!.input).toMatchObject({ upload: { type: 'local', dir: join(dir, 'uploads') } });
  });
});
