/**
 * What the terminal UI knows about a run: everything here is derived from bus events by
 * `reduceRunView`, and every string in it has already been sanitized for the terminal, so
 * components can print fields as they are.
 */
import type { StepKind } from '../dag.js';
import type { AnomalyBrief, LogLevel, RunStatus, StepStatus } from '../bus/events.js';

export interface ErrorView {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

export interface AttemptView {
  readonly attempt: number;
  readonly status: StepStatus;
  readonly durationMs?: number;
  readonly error?: ErrorView;
}

export interface ProgressView {
  readonly unit: string;
  readonly current: number;
  readonly total?: number;
  readonly label?: string;
}

export interface ArtifactView {
  readonly name: string;
  readonly uri: string;
  readonly bytes?: number;
}

export interface StepView {
  /** DAG path, the key of the step. */
  readonly path: string;
  /** The original node name, e.g. `execute_cloudwatchLog_injetion`. */
  readonly name: string;
  readonly kind: StepKind;
  /** Box-drawing prefix that places the row in the tree, e.g. `│  ├─ `. */
  readonly branch: string;
  readonly status: StepStatus;
  readonly attempt?: number;
  readonly maxAttempts?: number;
  /** Epoch ms when the next attempt starts (while retrying). */
  readonly nextAttemptAt?: number;
  readonly reason?: string;
  readonly startedAt?: number;
  readonly durationMs?: number;
  readonly error?: ErrorView;
  readonly attempts: readonly AttemptView[];
  readonly facts: readonly (readonly [string, string])[];
  readonly artifacts: readonly ArtifactView[];
  readonly progress: readonly ProgressView[];
}

export interface LogLineView {
  readonly seq: number;
  /** HH:MM:SS of the event. */
  readonly time: string;
  readonly level: LogLevel;
  /** Last segment of the step path, or '' for run-level logs. */
  readonly step: string;
  /** Message and fields, one line, sanitized. */
  readonly text: string;
}

/** What the summary shows of a finding: the event's brief without the explanation sentence. */
export type AnomalyView = Omit<AnomalyBrief, 'explanation'>;

/** An incident as the summary shows it: its words and its probable trigger. */
export interface IncidentView {
  readonly severity: string;
  readonly title: string;
  readonly findings: number;
  readonly trigger: AnomalyView;
}

export interface HistogramView {
  readonly counts: readonly number[];
  readonly anomalous: readonly boolean[];
  readonly bucketSeconds: number;
}

export interface SummaryView {
  readonly total: number;
  readonly reported: number;
  readonly bySeverity: readonly (readonly [string, number])[];
  readonly top: readonly AnomalyView[];
  /** Empty for runs from before incidents existed: the summary then lists `top`. */
  readonly incidents: readonly IncidentView[];
  readonly reportUri?: string;
  readonly notification: { readonly status: string; readonly recipients: number; readonly reason?: string };
  readonly histogram?: HistogramView;
}

/** `waiting` until the first run event arrives (a remote watcher may join late). */
export type RunViewStatus = 'waiting' | RunStatus;

export interface RunView {
  readonly runId?: string;
  readonly status: RunViewStatus;
  readonly dryRun: boolean;
  readonly skipInstall: boolean;
  readonly source?: string;
  readonly configVersion?: string;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly exitCode?: number;
  readonly failedStep?: string;
  readonly error?: ErrorView;
  /** The root row plus every DAG step, in diagram order. */
  readonly steps: readonly StepView[];
  /** The latest log lines, oldest first (a bounded window). */
  readonly logs: readonly LogLineView[];
  readonly summary?: SummaryView;
  readonly events: number;
  readonly lastSeq: number;
  /** Events whose seq jumped past lastSeq + 1 (a remote observer that missed some). */
  readonly gaps: number;
  /** The event stream ended (or failed) before a final run event. */
  readonly streamEnded?: 'completed' | 'error';
  readonly streamError?: string;
}
