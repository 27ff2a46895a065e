/**
 * download_config_yaml inside a real run (the real machines and retry policy, the real config
 * service client against a loopback server; the other steps stubbed): a 500 is retried by the
 * step's policy and the 200 that follows wins; a 401 fails the run at once, after one request.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus } from '../../src/bus/bus.js';
import type { BusEvent, StepEvent } from '../../src/bus/events.js';
import { parseSettings } from '../../src/config/settings.js';
import type { Services } from '../../src/contracts.js';
import { startRun } from '../../src/runtime.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';

const TOKEN_ENV = 'LAP_TEST_PIPELINE_SKYU_TOKEN';
let srv: TestHttpServer;
let root: string;

beforeEach(async () => {
  srv = await startHttpServer();
  root = await mkdtemp(join(tmpdir(), 'lap-config-run-'));
  process.env[TOKEN_ENV] = 'pipeline-token';
});
afterEach(async () => {
  await srv.close();
  await rm(root, { recursive: true, force: true });
  delete process.env[TOKEN_ENV];
});

const stubs: Partial<Services> = {
  ingestLogs: async (input) => ({ eventsFile: join(input.runDir, 'events.ndjson'), lines: 0, bytes: 0, streams: [], unparsed: 0, from: null, to: null, source: 'stub' }),
  executeLogAnomaly: async (input) => ({ anomaliesFile: join(input.runDir, 'anomalies.json'), templatesFile: join(input.runDir, 'templates.csv'), lines: 0, templates: 0, anomalies: 0 }),
  analyzeReport: async (input) => ({
    reportJson: join(input.runDir, 'report.json'),
    reportMd: join(input.runDir, 'report.md'),
    reportHtml: join(input.runDir, 'report.html'),
    shouldNotify: false,
    notifyReason: 'stub',
    recipients: [],
    reported: 0,
    total: 0,
    bySeverity: {},
    top: [],
    incidents: [],
  }),
  uploadReport: async () => ({ uri: 'file:///stub/report.html', files: [] }),
};

function settings() {
  return parseSettings(
    `source: { type: file, paths: none.log }
detectionConfig: { location: "${srv.url}/configs/prod.yaml", tokenEnv: ${TOKEN_ENV}, timeoutMs: 5000 }
steps:
  download_config_yaml: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 10000 }
`,
    join(root, 'settings.yaml'),
  );
}

async function run(runId: string): Promise<{ status: string; failedStep?: string; events: BusEvent[] }> {
  const bus = createBus({ runId });
  const events: BusEvent[] = [];
  bus.events$.subscribe((e) => events.push(e));
  const handle = startRun({ settings: settings(), params: { runId, skipInstall: true, dryRun: true }, bus, services: stubs, random: () => 0.5 });
  const result = await handle.result;
  bus.complete();
  return { status: result.status, failedStep: result.failedStep, events };
}

const configSteps = (events: BusEvent[]) => events.filter((e): e is StepEvent => e.type === 'step' && e.name === 'download_config_yaml');

describe('download_config_yaml in a run', () => {
  it('500 then 200: the step retries and the run completes with the config', async () => {
    srv.script({ status: 500, body: 'boom' }, { status: 200, headers: { etag: '"e1"', 'x-config-revision': 'r42' }, body: 'version: "9.1"\n' });
    const { status, events } = await run('cfg-retry');
    expect(status).toBe('completed');
    expect(srv.requests).toHaveLength(2);
    expect(srv.requests.every((r) => r.headers.authorization === 'Bearer pipeline-token')).toBe(true);
    expect(configSteps(events).map((e) => e.status)).toContain('retrying');
    const versionLog = events.find((e) => e.type === 'log' && e.msg === 'detection config version 9.1');
    expect(versionLog).toMatchObject({ fields: { etag: '"e1"', revision: 'r42' } });
    expect(JSON.stringify(events)).not.toContain('pipeline-token');
  });

  it('401: one request, no retry, the run fails at download_config_yaml', async () => {
    srv.setFallback({ status: 401, body: 'who are you' });
    const { status, failedStep, events } = await run('cfg-401');
    expect(status).toBe('failed');
    expect(failedStep).toMatch(/download_config_yaml$/);
    expect(srv.requests).toHaveLength(1);
    expect(configSteps(events).map((e) => e.status)).not.toContain('retrying');
  });
});
