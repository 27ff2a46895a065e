/** The ServiceContext a step's service gets: its log, progress and artifacts become bus events. */
import type { Bus } from '../bus/bus.js';
import { createLogger, type ProgressUpdate, type ServiceContext } from '../services/context.js';

/**
 * At most one progress event per step and unit per this many ms (the last one, current = total,
 * always goes). Per unit: ingestion reports lines and bytes together, and one shared clock let the
 * lines update through and dropped every bytes one (no bar with a total until the end).
 */
export const PROGRESS_INTERVAL_MS = 50;

export interface ServiceContextOptions {
  readonly bus: Bus;
  /** DAG path of the step. */
  readonly step: string;
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly now?: () => number;
}

export function createServiceContext(o: ServiceContextOptions): ServiceContext {
  const now = o.now ?? Date.now;
  const last = new Map<string, number>();
  const progress = (p: ProgressUpdate) => {
    const t = now();
    const final = p.total !== undefined && p.current >= p.total;
    if (!final && t - (last.get(p.unit) ?? -Infinity) < PROGRESS_INTERVAL_MS) return;
    last.set(p.unit, t);
    o.bus.emit({ type: 'progress', step: o.step, unit: p.unit, current: p.current, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.label ? { label: p.label } : {}) });
  };
  return {
    signal: o.signal,
    attempt: o.attempt,
    log: createLogger((level, msg, fields) => {
      o.bus.emit({ type: 'log', level, msg, step: o.step, ...(fields && Object.keys(fields).length ? { fields } : {}) });
    }),
    progress,
    artifact: (a) => {
      o.bus.emit({ type: 'artifact', step: o.step, name: a.name, uri: a.uri, ...(a.bytes !== undefined ? { bytes: a.bytes } : {}) });
    },
  };
}
