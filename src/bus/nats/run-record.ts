/**
 * The value kept per run in the runs KV bucket: what `log-anomaly runs` lists. Folded from the
 * run's own events, so it can never disagree with the event log.
 */
import type { BusEvent, RunParams, RunStatus } from '../events.js';

export interface RunRecord {
  readonly v: 1;
  readonly runId: string;
  readonly status: RunStatus;
  readonly params?: RunParams;
  /** When the run first started (a resumed run keeps its original start). */
  readonly startedAt?: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly exitCode?: number;
  readonly failedStep?: string;
  readonly error?: string;
  readonly anomalies?: number;
  readonly reported?: number;
  readonly reportUri?: string;
  /** The step that last changed state. */
  readonly currentStep?: string;
  /** How many executions this run had (a worker that died mid-run makes it 2). */
  readonly executions: number;
  /** The last event seq folded in. */
  readonly lastSeq: number;
  /** Which process published this state (worker name or host). */
  readonly by?: string;
}

export function isFinalStatus(s: RunStatus | undefined): boolean {
  return s === 'completed' || s === 'failed' || s === 'cancelled';
}

/** Folds one event in; returns the same object when nothing listed by `runs` changed. */
export function foldRunRecord(prev: RunRecord | undefined, e: BusEvent, by?: string): RunRecord {
  const base: RunRecord = prev ?? { v: 1, runId: e.runId, status: 'started', updatedAt: e.at, executions: 0, lastSeq: 0 };
  if (e.type === 'run') {
    if (e.status === 'started') {
      return {
        ...base,
        status: 'started',
        params: e.params,
        startedAt: base.startedAt ?? e.at,
        updatedAt: e.at,
        finishedAt: undefined,
        durationMs: undefined,
        exitCode: undefined,
        failedStep: undefined,
        error: undefined,
        executions: base.executions + 1,
        lastSeq: e.seq,
        by: by ?? base.by,
      };
    }
    const started = base.startedAt ?? e.at;
    return {
      ...base,
      status: e.status,
      params: base.params ?? e.params,
      startedAt: started,
      updatedAt: e.at,
      finishedAt: e.at,
      durationMs: Date.parse(e.at) - Date.parse(started),
      exitCode: e.exitCode,
      failedStep: e.failedStep,
      error: e.error?.message,
      anomalies: e.summary?.anomalies.total,
      reported: e.summary?.anomalies.reported,
      reportUri: e.summary?.reportUri,
      lastSeq: e.seq,
      by: by ?? base.by,
    };
  }
  if (e.type === 'step' && (e.status === 'running' || e.status === 'retrying' || e.status === 'failed')) {
    return { ...base, currentStep: e.step, updatedAt: e.at, lastSeq: e.seq };
  }
  return base;
}
