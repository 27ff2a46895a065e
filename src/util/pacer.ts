/**
 * Cooperative yielding for CPU-bound loops (mining, detection). A loop that never awaits a
 * macrotask starves the event loop: SIGINT, the TUI's `q`, a step timeout's timer and the abort
 * they trigger all wait until it ends. A pacer lets the loop run for `sliceMs` at a time, then
 * gives the event loop one turn (setImmediate: timers, signals and stdin run) and throws if the
 * signal fired meanwhile. Checking the clock costs one performance.now(); callers do it every few
 * hundred lines, so the throughput cost stays small (BENCHMARKS.md, "Cancelling CPU-bound work").
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { throwIfAborted } from '../errors.js';

/** Long enough that the turns cost little, short enough that a cancel lands well within 1 s. */
export const DEFAULT_SLICE_MS = 25;

export interface Pacer {
  /** Whether the current slice is used up (cheap: call it every N items). */
  due(): boolean;
  /** One event-loop turn, then throws AbortedError if the signal fired. */
  pause(): Promise<void>;
  /** pause() when the slice is used up; otherwise only the abort check. */
  maybePause(): Promise<void> | undefined;
}

export function createPacer(signal: AbortSignal | undefined, what: string, sliceMs = DEFAULT_SLICE_MS): Pacer {
  let sliceStart = performance.now();
  const due = () => performance.now() - sliceStart >= sliceMs;
  const pause = async () => {
    await nextTurn();
    sliceStart = performance.now();
    throwIfAborted(signal, what);
  };
  return {
    due,
    pause,
    maybePause() {
      if (due()) return pause();
      throwIfAborted(signal, what);
      return undefined;
    },
  };
}
