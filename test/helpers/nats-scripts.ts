/** Drive a real bus with a scripted run (from event-scripts) under any run id. */
import type { Bus } from '../../src/bus/bus.js';
import type { BusEvent, BusEventDraft } from '../../src/bus/events.js';

export function toDraft(e: BusEvent): BusEventDraft {
  const { v: _v, runId: _r, seq: _s, at: _a, ...draft } = e;
  return draft;
}

export function emitScript(bus: Bus, events: readonly BusEvent[]): BusEvent[] {
  return events.map((e) => bus.emit(toDraft(e)));
}

/** Collects an observable's values until it completes (or errors). */
export function collect<T>(o: import('rxjs').Observable<T>): { values: T[]; done: Promise<void> } {
  const values: T[] = [];
  const done = new Promise<void>((resolve, reject) => o.subscribe({ next: (v) => values.push(v), complete: resolve, error: reject }));
  return { values, done };
}
