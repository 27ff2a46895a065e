import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import type { BusEvent, RunEvent } from '../../src/bus/events.js';
import { STEP_PATHS } from '../../src/dag.js';
import { ConfigError, ErrorCode, NetworkError, PipelineError, UsageError } from '../../src/errors.js';
import { generateRunId, startRun, validateRunId } from '../../src/runtime.js';
import type { Services } from '../../src/contracts.js';
import { settingsIn, stepEvents, stubServices, tempDir, terminalOf } from './fixtures.js';

async function run(opts: { skipInstall?: boolean; dryRun?: boolean; services?: Partial<Services>; timeoutMs?: number; attempts?: number; runId?: string } = {}) {
  const dir = tempDir();
  const runId = opts.runId ?? 'run-1';
  const bus = createBus({ runId });
  const events: BusEvent[] = [];
  let completed = false;
  bus.events$.subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
  const calls: Parameters<typeof stubServices>[0] = [];
  const handle = startRun({
    settings: settingsIn(dir, opts.timeoutMs, opts.attempts),
    params: { runId, skipInstall: !!opts.skipInstall, dryRun: !!opts.dryRun },
    bus,
    services: { ...stubServices(calls), ...opts.services },
    random: () => 0.5,
  });
  const result = await handle.result;
  const record = JSON.parse(readFileSync(join(handle.runDir, 'run.json'), 'utf8'));
  return { dir, handle, result, events, calls, record, busCompleted: completed };
}

function expectEveryStepTerminalOnce(events: BusEvent[]) {
  const terminal = terminalOf(events);
  for (const path of STEP_PATHS) expect(terminal.get(path)?.length, path).toBe(1);
}

describe('startRun', () => {
  it('completes: run started first, final run event last with summary, run.json, every step terminal once', async () => {
    const { result, events, record, handle, dir, busCompleted } = await run();
    expect(result).toMatchObject({ status: 'completed', exitCode: 0, runId: 'run-1' });
    expect(handle.runDir).toBe(join(dir, 'runs', 'run-1'));
    expect(events[0]).toMatchObject({ type: 'run', status: 'started', params: { skipInstall: false, dryRun: false, source: 'file:logs/*.log' } });
    const last = events.at(-1) as RunEvent;
    expect(last).toMatchObject({ type: 'run', status: 'completed', exitCode: 0 });
    expect(last.summary).toEqual({
      anomalies: { total: 3, reported: 2, bySeverity: { high: 2, low: 1 }, top: [], incidents: [] },
      reportUri: 'file:///up/run-1/report.html',
      notification: { status: 'sent', recipients: 1 },
      configVersion: '3',
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(busCompleted).toBe(false); // the caller owns bus.complete()
    expectEveryStepTerminalOnce(events);
    for (const path of STEP_PATHS) expect(terminalOf(events).get(path)![0].status).toBe('done');
    // Names are the original ones; flows report running and done too.
    const steps = stepEvents(events);
    expect(steps.find((e) => e.step === 'prepare_prerequisite/execute_cloudwatchLog_injetion')).toMatchObject({ name: 'execute_cloudwatchLog_injetion', status: 'running', attempt: 1, maxAttempts: 2 });
    expect(steps.filter((e) => e.step === 'report_postProcess').map((e) => e.status)).toEqual(['running', 'done']);
    expect(steps.filter((e) => e.step === 'report_postProcess/analyze_report').map((e) => e.status)).toEqual(['running', 'done']);
    expect(steps.find((e) => e.step === 'prepare_prerequisite/download_config_yaml' && e.status === 'done')!.facts).toMatchObject({ configVersion: '3', revision: 'rev-9', stale: false });
    expect(steps.find((e) => e.step === 'report_postProcess/upload_report' && e.status === 'done')!.facts).toMatchObject({ reportUri: 'file:///up/run-1/report.html' });
    expect(record).toMatchObject({ runId: 'run-1', status: 'completed', exitCode: 0, params: { dryRun: false }, summary: { configVersion: '3' } });
    expect(typeof record.durationMs).toBe('number');
  });

  it('dry run: the email service never runs, its step is skipped (dry_run), the summary says so', async () => {
    const { result, events, calls } = await run({ dryRun: true });
    expect(result.status).toBe('completed');
    expect(calls.map((c) => c.step)).not.toContain('sendNotificationEmails');
    expect(terminalOf(events).get('report_postProcess/analyze_report/send_notification_emails')![0]).toMatchObject({ status: 'skipped', reason: 'dry_run', name: 'send_notification_emails' });
    expect(result.summary!.notification).toEqual({ status: 'skipped', recipients: 0, reason: 'dry_run' });
    expectEveryStepTerminalOnce(events);
  });

  it('skipInstall: install_packages is skipped with reason skip_install and never runs', async () => {
    const { events, calls } = await run({ skipInstall: true });
    expect(calls.map((c) => c.step)).not.toContain('installPackages');
    expect(terminalOf(events).get('install_packages')![0]).toMatchObject({ status: 'skipped', reason: 'skip_install' });
  });

  it('a non-retryable failure fails the run at that step (bad input: exit 2); later steps end cancelled (not reached)', async () => {
    const { result, events, record } = await run({
      services: { executeLogAnomaly: async () => { throw new ConfigError('CONFIG_INVALID', { file: 'config.yaml', line: 3, field: 'thresholds' }, 'bad'); } },
    });
    expect(result).toMatchObject({ status: 'failed', exitCode: 2, failedStep: 'execute_logAnomaly', error: { code: 'CONFIG_INVALID' } });
    expect(events.at(-1)).toMatchObject({ type: 'run', status: 'failed', exitCode: 2, failedStep: 'execute_logAnomaly' });
    expect(stepEvents(events).filter((e) => e.step === 'execute_logAnomaly').map((e) => e.status)).toEqual(['running', 'failed']);
    expect(terminalOf(events).get('report_postProcess/upload_report')![0]).toMatchObject({ status: 'cancelled', reason: 'not reached' });
    expect(record).toMatchObject({ status: 'failed', exitCode: 2, failedStep: 'execute_logAnomaly' });
    expectEveryStepTerminalOnce(events);
  });

  it('the report is never lost to a notification: an SMTP failure after the upload fails the run with the report filed', async () => {
    const smtpDown = new PipelineError(ErrorCode.SMTP, 'smtp.host: no such host', { retryable: false });
    const { result, events, calls } = await run({ services: { sendNotificationEmails: async () => { throw smtpDown; } } });
    expect(calls.map((c) => c.step)).toContain('uploadReport');
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, failedStep: 'report_postProcess/analyze_report/send_notification_emails' });
    expect(terminalOf(events).get('report_postProcess/upload_report')![0]).toMatchObject({ status: 'done' });
    expect(result.summary?.reportUri).toBe('file:///up/run-1/report.html');
    expectEveryStepTerminalOnce(events);
  });

  it('a failed upload still notifies, without a link, and fails the run at upload_report', async () => {
    const emailInputs: unknown[] = [];
    const { result, events } = await run({
      services: {
        uploadReport: async () => { throw new PipelineError(ErrorCode.UPLOAD, 'upload.baseUrl: refused', { retryable: false }); },
        sendNotificationEmails: async (input) => { emailInputs.push(input); return { status: 'sent' as const, recipients: 1, messageIds: ['<1@x>'] }; },
      },
    });
    expect(emailInputs).toHaveLength(1);
    expect((emailInputs[0] as { reportUri?: string }).reportUri).toBeUndefined();
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, failedStep: 'report_postProcess/upload_report' });
    expect(terminalOf(events).get('report_postProcess/analyze_report/send_notification_emails')![0]).toMatchObject({ status: 'done' });
    expectEveryStepTerminalOnce(events);
  });

  it('a retryable error retries with backoff (retrying event with attempt, delay and error), then succeeds', async () => {
    const attemptsSeen: number[] = [];
    const { result, events } = await run({
      services: {
        ingestLogs: async (input, ctx) => {
          attemptsSeen.push(ctx.attempt);
          if (ctx.attempt === 1) throw new NetworkError('connection reset');
          return stubServices().ingestLogs(input, ctx);
        },
      },
    });
    expect(result.status).toBe('completed');
    expect(attemptsSeen).toEqual([1, 2]);
    const ingest = stepEvents(events).filter((e) => e.step === 'prepare_prerequisite/execute_cloudwatchLog_injetion');
    expect(ingest.map((e) => e.status)).toEqual(['running', 'retrying', 'running', 'done']);
    expect(ingest[1]).toMatchObject({ attempt: 1, maxAttempts: 2, error: { code: 'NETWORK', retryable: true } });
    // The fixtures' policy: baseDelayMs 1, so the jittered wait after attempt 1 is 0 or 1 ms, and
    // the next attempt is announced for that long after the event (the two clocks reads may be 1 ms apart).
    expect([0, 1]).toContain(ingest[1].retryInMs);
    const announced = Date.parse(ingest[1].nextAttemptAt!) - Date.parse(ingest[1].at);
    expect(Math.abs(announced - ingest[1].retryInMs!)).toBeLessThanOrEqual(1);
    expect(ingest[2]).toMatchObject({ attempt: 2 });
  });

  it('a timeout aborts the work and counts as a retryable TimeoutError until attempts run out', async () => {
    let aborts = 0;
    const { result, events } = await run({
      timeoutMs: 30,
      services: {
        uploadReport: (_i, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => { aborts += 1; reject(new Error('aborted')); })),
      },
    });
    expect(aborts).toBe(2);
    expect(result).toMatchObject({ status: 'failed', failedStep: 'report_postProcess/upload_report', error: { code: 'TIMEOUT', retryable: true } });
    const upload = stepEvents(events).filter((e) => e.step === 'report_postProcess/upload_report').map((e) => e.status);
    expect(upload).toEqual(['running', 'retrying', 'running', 'failed']);
    expect(terminalOf(events).get('report_postProcess')![0].status).toBe('failed');
  });

  it('service logs, progress and artifacts become bus events tagged with the step path', async () => {
    const { events } = await run({
      services: {
        installPackages: async (_i, ctx) => {
          ctx.log.info('installing', { n: 1 });
          for (let i = 1; i <= 1000; i++) ctx.progress({ unit: 'lines', current: i, total: 1000 });
          ctx.artifact({ name: 'x.txt', uri: 'file:///x.txt', bytes: 3 });
          return { ran: 1 };
        },
      },
    });
    expect(events.find((e) => e.type === 'log' && e.msg === 'installing')).toMatchObject({ step: 'install_packages', level: 'info', fields: { n: 1 } });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeLessThan(20); // throttled
    expect(progress.at(-1)).toMatchObject({ step: 'install_packages', current: 1000, total: 1000 });
    expect(events.find((e) => e.type === 'artifact')).toMatchObject({ step: 'install_packages', name: 'x.txt', bytes: 3 });
  });
});

describe('run ids', () => {
  it('generateRunId is UTC YYYYMMDD-HHMMSS', () => {
    expect(generateRunId(new Date('2026-03-04T05:06:07Z'))).toBe('20260304-050607');
  });
  it('validateRunId accepts [A-Za-z0-9._-]{1,64} and rejects the rest with a message naming the run id', () => {
    expect(validateRunId('a.B_c-1')).toBe('a.B_c-1');
    for (const bad of ['', '.', '..', 'a/b', 'x'.repeat(65), 'a b', 'é']) {
      expect(() => validateRunId(bad), bad).toThrow(UsageError);
      expect(() => validateRunId(bad), bad).toThrow(/run id/);
    }
  });
});

describe('step events from inspection', () => {
  it('a failure in one parallel branch cancels the other (its signal aborts) and fails the flow with the same error', async () => {
    let siblingAborted = false;
    let siblingStarted: () => void = () => {};
    const started = new Promise<void>((r) => (siblingStarted = r));
    const { result, events } = await run({
      services: {
        downloadConfig: (_i, ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => { siblingAborted = true; reject(new Error('aborted')); });
            siblingStarted();
          }),
        ingestLogs: async () => {
          // Fail only once the sibling is in flight, so there is something to cancel.
          await started;
          throw new ConfigError('CONFIG_INVALID', { file: 'settings.yaml', field: 'source.paths' }, 'no files match');
        },
      },
    });
    expect(siblingAborted).toBe(true);
    expect(result).toMatchObject({ status: 'failed', failedStep: 'prepare_prerequisite/execute_cloudwatchLog_injetion', error: { code: 'CONFIG_INVALID' } });
    const t = terminalOf(events);
    expect(t.get('prepare_prerequisite/download_config_yaml')![0]).toMatchObject({ status: 'cancelled', reason: 'sibling failed' });
    expect(t.get('prepare_prerequisite')![0]).toMatchObject({ status: 'failed', error: { code: 'CONFIG_INVALID' }, kind: 'task' });
    // Never reached, in DAG order, after the failure.
    const notReached = stepEvents(events).filter((e) => e.reason === 'not reached').map((e) => e.step);
    expect(notReached).toEqual(STEP_PATHS.slice(STEP_PATHS.indexOf('execute_logAnomaly')));
    expectEveryStepTerminalOnce(events);
  });
});
