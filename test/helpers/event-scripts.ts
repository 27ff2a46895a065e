/**
 * Scripted bus event sequences for TUI tests and benchmarks: the runs the pipeline can have
 * (happy, skips, retry, failure, cancel, hostile log text), stamped like the real bus stamps
 * them (v, runId, gap-free seq, ISO time) on a fixed clock.
 */
import { findStep } from '../../src/dag.js';
import type { AnomalyBrief, BusEvent, BusEventDraft, IncidentBrief, LogLevel, RunStatus, RunSummary, StepStatus } from '../../src/bus/events.js';

export const SCRIPT_START = Date.parse('2026-11-26T18:00:00.000Z');

export const P = {
  install: 'install_packages',
  prepare: 'prepare_prerequisite',
  ingest: 'prepare_prerequisite/execute_cloudwatchLog_injetion',
  config: 'prepare_prerequisite/download_config_yaml',
  detect: 'execute_logAnomaly',
  post: 'report_postProcess',
  analyze: 'report_postProcess/analyze_report',
  email: 'report_postProcess/analyze_report/send_notification_emails',
  upload: 'report_postProcess/upload_report',
} as const;

export interface ScriptBuilder {
  readonly events: BusEvent[];
  /** Current script time (epoch ms). */
  now(): number;
  wait(ms: number): ScriptBuilder;
  run(status: RunStatus, extra?: Partial<Extract<BusEventDraft, { type: 'run' }>>): ScriptBuilder;
  step(path: string, status: StepStatus, extra?: Partial<Extract<BusEventDraft, { type: 'step' }>>): ScriptBuilder;
  log(level: LogLevel, msg: string, step?: string, fields?: Record<string, unknown>): ScriptBuilder;
  progress(step: string, unit: string, current: number, total?: number): ScriptBuilder;
  artifact(step: string, name: string, uri: string, bytes?: number): ScriptBuilder;
}

export function scriptBuilder(runId = 'run-20261126', opts: { skipInstall?: boolean; dryRun?: boolean; source?: string } = {}): ScriptBuilder {
  let seq = 0;
  let t = SCRIPT_START;
  const events: BusEvent[] = [];
  const startedAt = new Map<string, number>();
  const params = { skipInstall: !!opts.skipInstall, dryRun: !!opts.dryRun, source: opts.source ?? 'file:examples/logs/*.log' };
  const push = (draft: BusEventDraft) => {
    t += 50;
    events.push({ ...draft, v: 1, runId, seq: ++seq, at: new Date(t).toISOString() });
  };
  const b: ScriptBuilder = {
    events,
    now: () => t,
    wait(ms) {
      t += ms;
      return b;
    },
    run(status, extra = {}) {
      push({ type: 'run', status, params, ...extra });
      return b;
    },
    step(path, status, extra = {}) {
      const node = findStep(path);
      if (!node) throw new Error(`no such step ${path}`);
      if (status === 'running') startedAt.set(path, t + 50);
      const since = startedAt.get(path);
      const ended = status !== 'running' && status !== 'pending' && status !== 'retrying' && status !== 'skipped';
      push({
        type: 'step',
        step: path,
        name: node.id,
        kind: node.kind,
        status,
        ...(ended && since !== undefined ? { durationMs: t + 50 - since } : {}),
        ...extra,
      });
      return b;
    },
    log(level, msg, step, fields) {
      push({ type: 'log', level, msg, step, fields });
      return b;
    },
    progress(step, unit, current, total) {
      push({ type: 'progress', step, unit, current, total });
      return b;
    },
    artifact(step, name, uri, bytes) {
      push({ type: 'artifact', step, name, uri, bytes });
      return b;
    },
  };
  return b;
}

export const SUMMARY: RunSummary = {
  anomalies: {
    total: 7,
    reported: 4,
    bySeverity: { critical: 1, high: 2, medium: 1 },
    top: [
      { kind: 'spike', severity: 'critical', score: 9.1, template: 'payment gateway timeout after <*> ms', count: 412, expected: 3, sample: 'payment gateway timeout after 30000 ms req=9f2c' },
      { kind: 'new_template', severity: 'high', score: 7.4, template: 'circuit breaker OPEN for <*>', count: 38, expected: 0, sample: 'circuit breaker OPEN for payments-db' },
      { kind: 'error_rate', severity: 'high', score: 6.2, template: 'ERROR rate in auth', count: 120, expected: 14 },
    ],
  },
  reportUri: 'file:///tmp/runs/uploads/run-20261126/report.html',
  notification: { status: 'sent', recipients: 3 },
  histogram: {
    start: SCRIPT_START,
    bucketSeconds: 60,
    counts: [40, 42, 38, 41, 44, 39, 120, 310, 280, 60, 41, 40],
    anomalous: [false, false, false, false, false, false, true, true, true, false, false, false],
  },
  configVersion: '2026.11.3',
};

/** The steps' happy middle part (everything after install_packages up to the final run event). */
function middle(b: ScriptBuilder, dryRun: boolean): ScriptBuilder {
  b.step(P.prepare, 'running').step(P.ingest, 'running', { attempt: 1, maxAttempts: 3 }).step(P.config, 'running', { attempt: 1, maxAttempts: 3 });
  b.progress(P.ingest, 'streams', 2, 4).progress(P.ingest, 'lines', 12_000).log('info', 'config loaded', P.config, { version: '2026.11.3' });
  b.step(P.config, 'done', { attempt: 1, facts: { version: '2026.11.3' } });
  b.progress(P.ingest, 'streams', 4, 4).progress(P.ingest, 'lines', 48_213).step(P.ingest, 'done', { attempt: 1, facts: { lines: 48_213 } });
  b.step(P.prepare, 'done').step(P.detect, 'running', { attempt: 1, maxAttempts: 1 }).progress(P.detect, 'lines', 20_000, 48_213);
  b.wait(1200).step(P.detect, 'done', { attempt: 1, facts: { anomalies: 7 } });
  b.step(P.post, 'running').step(P.analyze, 'running', { attempt: 1, maxAttempts: 2 });
  if (dryRun) b.step(P.email, 'skipped', { reason: 'dry_run' });
  else b.step(P.email, 'running', { attempt: 1, maxAttempts: 3 }).progress(P.email, 'emails', 3, 3).step(P.email, 'done', { attempt: 1 });
  b.step(P.analyze, 'done', { attempt: 1 }).step(P.upload, 'running', { attempt: 1, maxAttempts: 3 });
  b.artifact(P.upload, 'report.html', SUMMARY.reportUri!, 18_342).step(P.upload, 'done', { attempt: 1 }).step(P.post, 'done');
  return b;
}

export function happyRun(): BusEvent[] {
  const b = scriptBuilder();
  b.run('started').step(P.install, 'running', { attempt: 1, maxAttempts: 2 }).log('info', 'v20.19.0', P.install).step(P.install, 'done', { attempt: 1 });
  middle(b, false);
  return b.run('completed', { exitCode: 0, summary: SUMMARY }).events;
}

export function skippedRun(): BusEvent[] {
  const b = scriptBuilder('run-skips', { skipInstall: true, dryRun: true });
  b.run('started').step(P.install, 'skipped', { reason: 'skip_install' });
  middle(b, true);
  const summary: RunSummary = { ...SUMMARY, notification: { status: 'skipped', recipients: 3, reason: 'dry_run' } };
  return b.run('completed', { exitCode: 0, summary }).events;
}

const RESET = { name: 'NetworkError', code: 'NETWORK', message: 'connect ECONNRESET 10.0.0.7:443', retryable: true };

/** download_config_yaml fails once with a network error, retries, then succeeds. */
export function retryRun(): { retrying: BusEvent[]; rest: BusEvent[] } {
  const b = scriptBuilder('run-retry');
  b.run('started').step(P.install, 'running', { attempt: 1 }).step(P.install, 'done', { attempt: 1 });
  b.step(P.prepare, 'running').step(P.ingest, 'running', { attempt: 1, maxAttempts: 3 }).step(P.config, 'running', { attempt: 1, maxAttempts: 3 });
  const nextAt = new Date(b.now() + 50 + 4000).toISOString();
  b.step(P.config, 'retrying', { attempt: 1, maxAttempts: 3, retryInMs: 4000, nextAttemptAt: nextAt, error: RESET });
  const retrying = b.events.slice();
  b.wait(4000).step(P.config, 'running', { attempt: 2, maxAttempts: 3 }).step(P.config, 'done', { attempt: 2, facts: { version: '2026.11.3' } });
  b.step(P.ingest, 'done', { attempt: 1 }).step(P.prepare, 'done').step(P.detect, 'running', { attempt: 1 }).step(P.detect, 'done', { attempt: 1 });
  b.step(P.post, 'running').step(P.analyze, 'running', { attempt: 1 }).step(P.email, 'running', { attempt: 1 }).step(P.email, 'done', { attempt: 1 });
  b.step(P.analyze, 'done', { attempt: 1 }).step(P.upload, 'running', { attempt: 1 }).step(P.upload, 'done', { attempt: 1 }).step(P.post, 'done');
  b.run('completed', { exitCode: 0, summary: SUMMARY });
  return { retrying, rest: b.events.slice(retrying.length) };
}

/** upload_report fails for good (a 403 is not retried); the run fails naming the step. */
export function failedRun(): BusEvent[] {
  const b = scriptBuilder('run-fail');
  b.run('started').step(P.install, 'running', { attempt: 1 }).step(P.install, 'done', { attempt: 1 });
  b.step(P.prepare, 'running').step(P.ingest, 'running', { attempt: 1 }).step(P.config, 'running', { attempt: 1 });
  b.step(P.config, 'done', { attempt: 1 }).step(P.ingest, 'done', { attempt: 1 }).step(P.prepare, 'done');
  b.step(P.detect, 'running', { attempt: 1 }).step(P.detect, 'done', { attempt: 1 }).step(P.post, 'running');
  b.step(P.analyze, 'running', { attempt: 1 }).step(P.email, 'running', { attempt: 1 }).step(P.email, 'done', { attempt: 1 }).step(P.analyze, 'done', { attempt: 1 });
  const error = { name: 'HttpError', code: 'HTTP', message: 'PUT report.html: 403 Forbidden', retryable: false };
  b.step(P.upload, 'running', { attempt: 1, maxAttempts: 3 }).log('error', 'upload failed', P.upload, { status: 403 });
  b.step(P.upload, 'failed', { attempt: 1, maxAttempts: 3, error }).step(P.post, 'failed', { error });
  return b.run('failed', { exitCode: 1, failedStep: P.upload, error }).events;
}

/** A run in the middle of a long install (for cancel tests); `cancelled()` ends it. */
export function longInstall(): { running: BusEvent[]; cancelled: () => BusEvent[] } {
  const b = scriptBuilder('run-long');
  b.run('started').step(P.install, 'running', { attempt: 1, maxAttempts: 1 }).log('info', 'running node -e …', P.install);
  const running = b.events.slice();
  return {
    running,
    cancelled: () => {
      const error = { name: 'AbortedError', code: 'ABORTED', message: 'cancelled from the terminal UI', retryable: false };
      b.step(P.install, 'cancelled', { attempt: 1, error }).run('cancelled', { exitCode: 1, error });
      return b.events.slice(running.length);
    },
  };
}

/** Log lines that try to move the cursor, retitle the window, clear the screen and ring the bell. */
export const HOSTILE = [
  '\u001b[2J\u001b[Hcleared your screen',
  '\u001b]0;pwned title\u0007title changed',
  'bell\u0007 and \u001b[31mred\u001b[0m and cursor \u001b[10A up',
  'C1 \u009b2J csi, backspace\b\b, nul \u0000, del \u007f',
  'line one\nline two\rcarriage',
];

export function hostileRun(): BusEvent[] {
  const b = scriptBuilder('run-hostile\u001b[2J', { source: 'file:\u001b]0;x\u0007logs/*.log' });
  b.run('started').step(P.install, 'running', { attempt: 1 });
  for (const h of HOSTILE) b.log('warn', h, P.install, { line: h });
  b.step(P.install, 'failed', { attempt: 1, error: { name: 'Error', code: 'COMMAND_FAILED', message: 'exit 1: \u001b[2Jboom', retryable: false } });
  return b.run('failed', { exitCode: 1, failedStep: P.install, error: { name: 'Error', code: 'COMMAND_FAILED', message: '\u001b]0;t\u0007boom', retryable: false } }).events;
}


const incident = (id: string, severity: string, title: string, findings: number, trigger: AnomalyBrief): IncidentBrief => ({ id, title, severity, onset: SCRIPT_START, streams: ['app'], findings, trigger });

/** The demo's shape: four incidents, most severe first, and a long volume chart. */
export const INCIDENT_SUMMARY: RunSummary = {
  ...SUMMARY,
  anomalies: {
    total: 11,
    reported: 11,
    bySeverity: { critical: 4, high: 2, medium: 4, low: 1 },
    top: SUMMARY.anomalies.top,
    incidents: [
      incident('i1', 'critical', 'payments: db connection pool exhausted', 5, { kind: 'new_template', severity: 'critical', score: 9, template: 'req=<*> db connection pool exhausted: timed out after <*> waiting for a connection (pool=payments-primary size=<*>)', count: 19, expected: 0, sample: 'req=5c478cecf24a9a11 db connection pool exhausted: timed out after 5000ms waiting for a connection (pool=payments-primary size=20)' }),
      incident('i2', 'critical', 'api-gateway: cache miss for key', 1, { kind: 'frequency_spike', severity: 'critical', score: 8, template: 'cache miss for key product:<*>, fetching from origin', count: 111, expected: 4, sample: 'cache miss for key product:3159, fetching from origin' }),
      incident('i3', 'critical', 'worker: worker-<*> heartbeat queue=receipts depth=<*> inflight=<*>', 4, { kind: 'silence', severity: 'critical', score: 7, template: 'worker-<*> heartbeat queue=receipts depth=<*> inflight=<*>', count: 0, expected: 118 }),
      incident('i4', 'low', 'req=<*> POST <*> from <*> items=<*>', 1, { kind: 'session_anomaly', severity: 'low', score: 2, template: 'req=<*> POST <*> from <*> items=<*>', count: 3, expected: null, sample: 'req=3f37fbb9e35a12e2 POST /api/v1/orders from 61.236.177.89 items=6' }),
    ],
  },
  notification: { status: 'previewed', recipients: 2 },
  histogram: { start: SCRIPT_START, bucketSeconds: 60, counts: Array.from({ length: 60 }, (_, i) => 100 + ((i * 7) % 23)), anomalous: Array.from({ length: 60 }, (_, i) => i >= 20 && i < 30) },
};

/** A completed run with incidents (what the demo ends with). */
export function incidentRun(): BusEvent[] {
  const b = scriptBuilder('run-incidents');
  b.run('started').step(P.install, 'running', { attempt: 1, maxAttempts: 2 }).step(P.install, 'done', { attempt: 1 });
  middle(b, false);
  return b.run('completed', { exitCode: 0, summary: INCIDENT_SUMMARY }).events;
}
