/**
 * The versioned event model: the only way anything outside a run (CLI lines, NDJSON, the TUI,
 * NATS) learns what happened. Events are plain JSON; `seq` is per run, gap-free and monotonic,
 * so a replaying observer can prove it missed nothing.
 */
import { BAD_INPUT_CODES, type ErrorInfo } from '../errors.js';
import type { StepKind } from '../dag.js';

export const EVENT_VERSION = 1 as const;

export const StepStatus = {
  pending: 'pending',
  running: 'running',
  retrying: 'retrying',
  done: 'done',
  skipped: 'skipped',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

export const RunStatus = {
  started: 'started',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  /** An execution found dead (lease expired, pid gone) by the one taking its run id over. */
  crashed: 'crashed',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const LogLevel = { debug: 'debug', info: 'info', warn: 'warn', error: 'error' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export type Facts = Record<string, string | number | boolean | null>;

export interface EventBase {
  readonly v: typeof EVENT_VERSION;
  readonly runId: string;
  /** 1-based, per run, no gaps. */
  readonly seq: number;
  /** ISO-8601 UTC. */
  readonly at: string;
}

export interface RunParams {
  readonly skipInstall: boolean;
  readonly dryRun: boolean;
  /** Short description of the log source, e.g. `file:examples/logs/*.log`. */
  readonly source?: string;
  readonly configFile?: string;
  /** A scheduled run's own window (ISO), whatever the source type reads. */
  readonly window?: { readonly from: string; readonly to: string };
  readonly schedule?: string;
}

export interface AnomalyBrief {
  readonly kind: string;
  readonly severity: string;
  readonly score: number;
  readonly template: string;
  readonly count: number;
  readonly expected: number | null;
  readonly sample?: string;
  readonly explanation?: string;
}

/** An incident as the run summary carries it: what happened, where, and its probable trigger. */
export interface IncidentBrief {
  readonly id: string;
  /** `payments: db connection pool exhausted` (log-derived: sanitize before display). */
  readonly title: string;
  readonly severity: string;
  /** Epoch ms of the first symptom, null when unknown. */
  readonly onset: number | null;
  readonly streams: readonly string[];
  /** How many findings the incident groups. */
  readonly findings: number;
  /** The probable trigger: the finding with the earliest onset. */
  readonly trigger: AnomalyBrief;
}

export interface RunSummary {
  readonly anomalies: {
    readonly total: number;
    readonly reported: number;
    readonly bySeverity: Record<string, number>;
    /** Reported findings per kind, then severity (absent from runs before it existed). */
    readonly byKind?: Record<string, Record<string, number>>;
    readonly top: readonly AnomalyBrief[];
    /** Most severe first, then earliest onset (absent from runs before incidents existed). */
    readonly incidents?: readonly IncidentBrief[];
  };
  readonly reportUri?: string;
  readonly notification: {
    readonly status: 'sent' | 'previewed' | 'skipped' | 'not_needed' | 'already_sent';
    readonly recipients: number;
    readonly reason?: string;
    /** Recipients whose delivery is unknown (an earlier process died between the message and its 250). */
    readonly unknown?: readonly string[];
    /** Each webhook's delivery; its URL as `scheme://host/…` only (the path may be the secret). */
    readonly webhooks?: readonly {
      readonly name: string;
      readonly format: string;
      readonly url: string;
      readonly status: 'sent' | 'already_sent' | 'failed' | 'unknown';
      readonly deliveryId?: string;
      readonly httpStatus?: number;
      readonly error?: string;
    }[];
  };
  /** Event volume per time bucket with the anomalous buckets marked: for a sparkline. */
  readonly histogram?: {
    readonly start: number;
    readonly bucketSeconds: number;
    readonly counts: readonly number[];
    readonly anomalous: readonly boolean[];
  };
  readonly configVersion?: string;
}

export interface RunEvent extends EventBase {
  readonly type: 'run';
  readonly status: RunStatus;
  readonly params: RunParams;
  readonly exitCode?: number;
  /** Path of the step that failed, when status is failed. */
  readonly failedStep?: string;
  readonly error?: ErrorInfo;
  readonly summary?: RunSummary;
}

export interface StepEvent extends EventBase {
  readonly type: 'step';
  /** DAG path, e.g. `report_postProcess/analyze_report/send_notification_emails`. */
  readonly step: string;
  /** The original node name, e.g. `send_notification_emails`. */
  readonly name: string;
  readonly kind: StepKind;
  readonly status: StepStatus;
  /** 1-based attempt number of a retried task. */
  readonly attempt?: number;
  readonly maxAttempts?: number;
  /** When retrying: the delay before the next attempt and when it starts (ISO). */
  readonly retryInMs?: number;
  readonly nextAttemptAt?: string;
  /** Why a step was skipped: `skip_install` or `dry_run`. */
  readonly reason?: string;
  readonly startedAt?: string;
  readonly durationMs?: number;
  readonly error?: ErrorInfo;
  /** Small facts a step reports when done (config version, lines read, report URI...). */
  readonly facts?: Facts;
}

export interface LogEvent extends EventBase {
  readonly type: 'log';
  readonly level: LogLevel;
  readonly msg: string;
  readonly step?: string;
  readonly fields?: Record<string, unknown>;
}

export interface ProgressEvent extends EventBase {
  readonly type: 'progress';
  readonly step: string;
  /** What is counted: lines, bytes, streams, pages, emails, templates... */
  readonly unit: string;
  readonly current: number;
  readonly total?: number;
  readonly label?: string;
}

export interface ArtifactEvent extends EventBase {
  readonly type: 'artifact';
  readonly step: string;
  readonly name: string;
  readonly uri: string;
  readonly bytes?: number;
}

export type BusEvent = RunEvent | StepEvent | LogEvent | ProgressEvent | ArtifactEvent;
export type BusEventType = BusEvent['type'];

type Draft<E> = E extends EventBase ? Omit<E, keyof EventBase> : never;
/** An event before the bus stamps it with v, runId, seq and at. */
export type BusEventDraft = Draft<BusEvent>;

export function isFinalRunEvent(e: BusEvent): e is RunEvent {
  return e.type === 'run' && e.status !== 'started';
}

/** The exit code a run's final status maps to (documented in the README). */
export function exitCodeFor(status: RunStatus, error?: Pick<ErrorInfo, 'code'>): number {
  if (status === 'completed') return 0;
  // a run that failed on bad input (e.g. an invalid detection config) exits 2, as the CLI's bad input does
  return status === 'failed' && error !== undefined && BAD_INPUT_CODES.has(error.code) ? 2 : 1;
}
