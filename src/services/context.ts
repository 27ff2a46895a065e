/**
 * What every service receives besides its input. Services never import XState or the bus: the
 * composition root builds a context whose log/progress/artifact calls become bus events.
 */
import type { LogLevel } from '../bus/events.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface ProgressUpdate {
  readonly unit: string;
  readonly current: number;
  readonly total?: number;
  readonly label?: string;
}

export interface ArtifactNote {
  readonly name: string;
  readonly uri: string;
  readonly bytes?: number;
}

export interface ServiceContext {
  /** Fires on cancel, on the step's timeout, and when the owning state is left. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Throttle on your side if called per line: the runtime forwards every call as an event. */
  readonly progress: (p: ProgressUpdate) => void;
  readonly artifact: (a: ArtifactNote) => void;
  /** 1-based attempt of this step (a retried step can resume or avoid repeating side effects). */
  readonly attempt: number;
}

export function createLogger(write: (level: LogLevel, msg: string, fields?: LogFields) => void): Logger {
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A context for tests and standalone commands: logs into an array, never aborts unless told. */
export function createStandaloneContext(
  opts: { signal?: AbortSignal; attempt?: number; onLog?: (level: LogLevel, msg: string, fields?: LogFields) => void } = {},
): ServiceContext & { logs: { level: LogLevel; msg: string; fields?: LogFields }[]; progressUpdates: ProgressUpdate[]; artifacts: ArtifactNote[] } {
  const logs: { level: LogLevel; msg: string; fields?: LogFields }[] = [];
  const progressUpdates: ProgressUpdate[] = [];
  const artifacts: ArtifactNote[] = [];
  return {
    signal: opts.signal ?? new AbortController().signal,
    log: createLogger((level, msg, fields) => {
      logs.push({ level, msg, fields });
      opts.onLog?.(level, msg, fields);
    }),
    progress: (p) => progressUpdates.push(p),
    artifact: (a) => artifacts.push(a),
    attempt: opts.attempt ?? 1,
    logs,
    progressUpdates,
    artifacts,
  };
}
