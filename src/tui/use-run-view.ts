/**
 * Subscribes to the bus and folds events into a RunView, but hands React a new view at most
 * once per frame: under a flood of 10,000 events/s events are queued and folded once per frame
 * (log lines that would scroll away unseen are only counted), while React and Ink render ~15
 * times a second. The final run event is flushed at once so the summary is on screen before
 * the app leaves.
 */
import { useEffect, useState } from 'react';
import type { Observable } from 'rxjs';
import { isFinalRunEvent, type BusEvent } from '../bus/events.js';
import { endStream, initialRunView, reduceRunView, reduceRunViewBatch } from './run-view.js';
import type { RunView } from './run-view-types.js';

export const DEFAULT_FPS = 15;

/** Folds a batch; a malformed (e.g. remote) event must not take the screen down, so it is skipped. */
function foldSafely(view: RunView, batch: readonly BusEvent[]): RunView {
  try {
    return reduceRunViewBatch(view, batch);
  } catch {
    return batch.reduce((v, e) => {
      try {
        return reduceRunView(v, e);
      } catch {
        return v;
      }
    }, view);
  }
}

export function useRunView(events$: Observable<BusEvent>, fps = DEFAULT_FPS): RunView {
  const [view, setView] = useState<RunView>(initialRunView);
  useEffect(() => {
    let current = initialRunView();
    let queue: BusEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frameMs = Math.max(1, Math.round(1000 / fps));
    const flush = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (queue.length > 0) {
        current = foldSafely(current, queue);
        queue = [];
      }
      setView(current);
    };
    const sub = events$.subscribe({
      next(e) {
        queue.push(e);
        if (isFinalRunEvent(e)) flush();
        else timer ??= setTimeout(flush, frameMs);
      },
      complete() {
        flush();
        current = endStream(current);
        setView(current);
      },
      error(err: unknown) {
        flush();
        current = endStream(current, err ?? 'event stream failed');
        setView(current);
      },
    });
    return () => {
      sub.unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [events$, fps]);
  return view;
}
