/**
 * The demo's run takes about a second: too fast to watch or to try a key. `paceEvents` replays a
 * run's events in order, holding each step's end until the step has been on screen as running for
 * at least `minStepMs`. Only what is shown is slowed; the run itself finishes at its own speed, and
 * every event still arrives, in the same order.
 */
import { Observable } from 'rxjs';
import type { BusEvent } from '../bus/events.js';

const ENDS = new Set(['done', 'skipped', 'failed', 'cancelled']);

export interface PaceClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: PaceClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function paceEvents(source$: Observable<BusEvent>, minStepMs: number, clock: PaceClock = systemClock): Observable<BusEvent> {
  return new Observable<BusEvent>((out) => {
    const queue: BusEvent[] = [];
    const shownRunning = new Map<string, number>();
    let ended: { error?: unknown } | undefined;
    let timer: unknown;

    const readyAt = (e: BusEvent): number => {
      if (e.type !== 'step' || !ENDS.has(e.status)) return 0;
      const since = shownRunning.get(e.step);
      return since === undefined ? 0 : since + minStepMs;
    };
    const pump = (): void => {
      timer = undefined;
      while (queue.length > 0) {
        const wait = readyAt(queue[0]) - clock.now();
        if (wait > 0) {
          timer = clock.setTimeout(pump, wait);
          return;
        }
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the loop runs while the queue is not empty
        const e = queue.shift()!;
        if (e.type === 'step' && e.status === 'running' && !shownRunning.has(e.step)) shownRunning.set(e.step, clock.now());
        out.next(e);
      }
      if (ended) {
        if ('error' in ended) out.error(ended.error);
        else out.complete();
      }
    };
    const sub = source$.subscribe({
      next: (e) => {
        queue.push(e);
        if (timer === undefined) pump();
      },
      complete: () => {
        ended = {};
        if (timer === undefined) pump();
      },
      error: (error: unknown) => {
        ended = { error };
        if (timer === undefined) pump();
      },
    });
    return () => {
      sub.unsubscribe();
      if (timer !== undefined) clock.clearTimeout(timer);
    };
  });
}
