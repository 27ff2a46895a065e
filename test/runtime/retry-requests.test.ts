/**
 * One retry layer per call: with `attempts: N` a step makes at most N requests to the service it
 * calls, counted on the loopback servers (HTTP file service, config service, CloudWatch). The real
 * machine runs the real service for the step under test; the other steps are stubs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import type { PipelineSettings } from '../../src/config/settings-types.js';
import { RETRYABLE_STEPS } from '../../src/dag.js';
import { REPORT_ARTIFACTS } from '../../src/machines/pipeline.js';
import { startRun } from '../../src/runtime.js';
import { defaultServices } from '../../src/services/index.js';
import type { Services } from '../../src/contracts.js';
import { startCloudWatchServer, makeEvents, type CloudWatchServer } from '../helpers/cloudwatch-server.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { useLoopbackAwsCredentials } from '../helpers/aws-env.js';
import { settingsIn, stubServices, tempDir } from './fixtures.js';

useLoopbackAwsCredentials('AKIALOOPBACKRETRY01', 'loopback-dummy-secret');

function withAttempts(s: PipelineSettings, attempts: number): PipelineSettings {
  return { ...s, steps: Object.fromEntries(RETRYABLE_STEPS.map((k) => [k, { attempts, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 10_000 }])) as PipelineSettings['steps'] };
}

async function runWith(settings: PipelineSettings, real: Partial<Services>, runId = 'rr-1') {
  const bus = createBus({ runId });
  // upload_report needs the report files in the run directory (the stubbed analysis writes none)
  const runDir = join(settings.output.dir, runId);
  mkdirSync(runDir, { recursive: true });
  for (const f of REPORT_ARTIFACTS) writeFileSync(join(runDir, f), `${f}\n`);
  const handle = startRun({ settings, params: { runId, skipInstall: true, dryRun: true }, bus, services: { ...stubServices(), ...real }, random: () => 0 });
  return handle.result;
}

let http: TestHttpServer;
let cw: CloudWatchServer;
beforeEach(async () => {
  http = await startHttpServer();
  cw = await startCloudWatchServer();
});
afterEach(async () => {
  await http.close();
  await cw.close();
});

describe('N attempts make at most N requests', () => {
  for (const attempts of [1, 3]) {
    it(`upload_report over HTTP, attempts=${attempts}: a persistent 503 makes ${attempts} PUT(s) of the first file and fails with the last error`, async () => {
      const dir = tempDir();
      http.setFallback({ status: 503, body: 'busy' });
      const settings = withAttempts({ ...settingsIn(dir), upload: { type: 'http', baseUrl: `${http.url}/files` } }, attempts);
      const result = await runWith(settings, { uploadReport: defaultServices.uploadReport });
      expect(http.requests.filter((r) => r.method === 'PUT')).toHaveLength(attempts);
      expect(result).toMatchObject({ status: 'failed', failedStep: 'report_postProcess/upload_report', error: { code: 'HTTP', retryable: true } });
      expect(result.error?.message).toContain('HTTP 503');
    });

    it(`download_config_yaml, attempts=${attempts}: a persistent 500 makes ${attempts} GET(s)`, async () => {
      const dir = tempDir();
      http.setFallback({ status: 500 });
      const settings = withAttempts({ ...settingsIn(dir), detectionConfig: { location: `${http.url}/c.yaml` } }, attempts);
      const result = await runWith(settings, { downloadConfig: defaultServices.downloadConfig });
      expect(http.requests.filter((r) => r.method === 'GET')).toHaveLength(attempts);
      expect(result).toMatchObject({ status: 'failed', failedStep: 'prepare_prerequisite/download_config_yaml' });
    });

    it(`CloudWatch ingest, attempts=${attempts}: a throttled page makes ${attempts} FilterLogEvents call(s)`, async () => {
      const dir = tempDir();
      const t0 = Date.parse('2026-11-20T10:00:00Z');
      cw.addGroup('/app/api', [makeEvents('i-1', t0, 2)]);
      for (let i = 0; i < 5; i++) cw.fault('throttle');
      const source = { type: 'cloudwatch' as const, region: 'us-east-1', endpoint: cw.endpoint, logGroups: ['/app/api'], from: new Date(t0 - 60_000).toISOString(), to: new Date(t0 + 60_000).toISOString() };
      const result = await runWith(withAttempts({ ...settingsIn(dir), source }, attempts), { ingestLogs: defaultServices.ingestLogs });
      expect(cw.requests.filter((r) => r.target.endsWith('FilterLogEvents'))).toHaveLength(attempts);
      expect(result).toMatchObject({ status: 'failed', failedStep: 'prepare_prerequisite/execute_cloudwatchLog_injetion', error: { code: 'AWS', retryable: true } });
    });
  }

  it('a non-retryable error is tried once whatever attempts says', async () => {
    const dir = tempDir();
    http.setFallback({ status: 403, body: 'no' });
    const settings = withAttempts({ ...settingsIn(dir), upload: { type: 'http', baseUrl: `${http.url}/files` } }, 3);
    const result = await runWith(settings, { uploadReport: defaultServices.uploadReport });
    expect(http.requests).toHaveLength(1);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'HTTP', retryable: false } });
  });
});
