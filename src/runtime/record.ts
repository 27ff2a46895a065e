/** What a finished run leaves behind: its RunSummary and run.json (written atomically). */
import { join } from 'node:path';
import type { RunParams, RunSummary } from '../bus/events.js';
import type { LogSource } from '../config/settings-types.js';
import type { RunResult } from '../contracts.js';
import type { StepOutputs } from '../machines/index.js';
import { writeJsonAtomic } from '../util/atomic-write.js';

export const RUN_RECORD_FILE = 'run.json';

/** Short description of where the logs come from, for the `run started` event. */
export function describeSource(source: LogSource): string {
  if (source.type === 'file') return `file:${source.paths.join(',')}`;
  return `cloudwatch:${source.region}:${source.logGroups.join(',')}`;
}

/** The summary a run ends with; undefined when the analysis never finished. */
export function buildSummary(outputs: StepOutputs, dryRun: boolean): RunSummary | undefined {
  const a = outputs.analyze_report;
  if (!a) return undefined;
  const email = outputs.send_notification_emails;
  const notification: RunSummary['notification'] = dryRun
    ? { status: 'skipped', recipients: 0, reason: 'dry_run' }
    : email
      ? {
          status: email.status,
          recipients: email.recipients,
          ...(email.status === 'not_needed' ? { reason: a.notifyReason } : {}),
          ...(email.unknown && email.unknown.length > 0 ? { unknown: email.unknown } : {}),
          ...(email.webhooks && email.webhooks.length > 0
            ? { webhooks: email.webhooks.map(({ name, format, url, status, deliveryId, httpStatus, error }) => ({ name, format, url, status, ...(deliveryId ? { deliveryId } : {}), ...(httpStatus ? { httpStatus } : {}), ...(error ? { error } : {}) })) }
            : {}),
        }
      : { status: 'skipped', recipients: 0, reason: 'not reached' };
  return {
    anomalies: { total: a.total, reported: a.reported, bySeverity: a.bySeverity, ...(a.byKind ? { byKind: a.byKind } : {}), top: a.top, incidents: a.incidents },
    ...(outputs.upload_report ? { reportUri: outputs.upload_report.uri } : {}),
    notification,
    ...(a.histogram ? { histogram: a.histogram } : {}),
    ...(outputs.download_config_yaml ? { configVersion: outputs.download_config_yaml.version } : {}),
  };
}

export interface RunRecord {
  readonly result: RunResult;
  readonly params: RunParams;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly cancelReason?: string;
  /** Earlier executions of this run id found dead when this one took the lease over. */
  readonly crashed?: readonly DeadExecution[];
}

export async function writeRunRecord(runDir: string, r: RunRecord): Promise<void> {
  const { result } = r;
  await writeJsonAtomic(join(runDir, RUN_RECORD_FILE), {
    v: 1,
    runId: result.runId,
    status: result.status,
    exitCode: result.exitCode,
    params: r.params,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt.toISOString(),
    durationMs: r.finishedAt.getTime() - r.startedAt.getTime(),
    ...(result.failedStep ? { failedStep: result.failedStep } : {}),
    ...(result.error ? { error: result.error } : {}),
    ...(r.cancelReason ? { cancelReason: r.cancelReason } : {}),
    ...(result.summary ? { summary: result.summary } : {}),
    ...(r.crashed && r.crashed.length > 0 ? { crashedExecutions: r.crashed.map((d) => ({ status: 'crashed', pid: d.pid, host: d.host, startedAt: d.startedAt, lastHeartbeatAt: d.heartbeatAt })) } : {}),
  });
}

/** Holder of a run's lease that was found dead (see src/durable/lease.ts). */
export interface DeadExecution {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
}

/** run.json of an execution found dead on takeover; the execution taking over rewrites it when it ends. */
export async function writeCrashedRecord(runDir: string, runId: string, params: RunParams, dead: DeadExecution): Promise<void> {
  await writeJsonAtomic(join(runDir, RUN_RECORD_FILE), {
    v: 1,
    runId,
    status: 'crashed',
    exitCode: 1,
    params,
    startedAt: dead.startedAt,
    crashed: { pid: dead.pid, host: dead.host, lastHeartbeatAt: dead.heartbeatAt, foundAt: new Date().toISOString() },
  });
}
