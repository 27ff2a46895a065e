/**
 * A progress bar on stderr for long `detect`, `parse` and file ingestion: bytes read of the total,
 * percentage and ETA, redrawn in place at most 10 times a second and cleared when the work ends.
 * Only on a terminal: `createProgressBar` returns a no-op when stderr is not a TTY (a log file or a
 * pipe gets no carriage returns) or the caller says so (--json, --quiet).
 */
import type { Writable } from 'node:stream';
import { formatBytes, progressBar } from '../tui/format.js';

export interface ProgressBar {
  /** Bytes done so far (of the total given at creation). */
  update(current: number): void;
  /** Wipes the bar's line (before other output on the same terminal); the next update redraws it. */
  clear(): void;
  /** Wipes the bar for good. */
  done(): void;
}

export interface ProgressBarOptions {
  readonly stream: Writable & { isTTY?: boolean; columns?: number };
  readonly total: number;
  readonly label: string;
  /** False for --json / --quiet. */
  readonly enabled?: boolean;
  readonly clock?: () => number;
  /** At most one redraw per interval (default 100 ms: 10 a second). */
  readonly intervalMs?: number;
  /** Work shorter than this never shows a bar (default 300 ms): quick runs stay quiet. */
  readonly delayMs?: number;
}

const NOOP: ProgressBar = { update() {}, clear() {}, done() {} };
const ERASE_LINE = '\r\u001b[K';

/** `ETA 42s`, `ETA 3m05s`, `ETA 1h02m`; `ETA --` until the rate is known. */
export function etaText(current: number, total: number, elapsedMs: number): string {
  if (current <= 0 || elapsedMs <= 0) return 'ETA --';
  const left = ((total - current) * elapsedMs) / current;
  const s = Math.ceil(left / 1000);
  if (s < 60) return `ETA ${s}s`;
  return s < 3600 ? `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `ETA ${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `parse  [████░░░░]  42%  12 MB/29 MB  ETA 3s`, fitted to `columns`. */
export function progressText(label: string, current: number, total: number, elapsedMs: number, columns: number): string {
  const done = Math.min(current, total);
  const pct = `${String(Math.floor((done / total) * 100)).padStart(3)}%`;
  const tail = `${pct}  ${formatBytes(done)}/${formatBytes(total)}  ${etaText(done, total, elapsedMs)}`;
  const room = columns - 1 - label.length - 2 - 2 - tail.length;
  return room >= 7 ? `${label}  ${progressBar(done, total, Math.min(32, room))}  ${tail}` : `${label}  ${tail}`.slice(0, Math.max(0, columns - 1));
}

export function createProgressBar(o: ProgressBarOptions): ProgressBar {
  if (o.enabled === false || !o.stream.isTTY || !(o.total > 0)) return NOOP;
  const clock = o.clock ?? Date.now;
  const interval = o.intervalMs ?? 100;
  const start = clock();
  const delay = o.delayMs ?? 300;
  let last = -Infinity;
  let shown = false;
  let finished = false;
  return {
    update(current) {
      const now = clock();
      if (finished || now - start < delay || now - last < interval) return;
      last = now;
      shown = true;
      o.stream.write(ERASE_LINE + progressText(o.label, current, o.total, now - start, o.stream.columns ?? 80));
    },
    clear() {
      if (!shown) return;
      o.stream.write(ERASE_LINE);
      // `last` stays: a redraw after a clear still waits its turn (at most 10 a second)
      shown = false;
    },
    done() {
      this.clear();
      finished = true;
    },
  };
}
