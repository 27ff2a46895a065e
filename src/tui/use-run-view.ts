/**
 * Subscribes to the bus and folds events into a RunView, but hands React a new view at most
 * once per frame: under a flood of 10,000 events/s the reducer runs per event (cheap) while
 * React and Ink render ~15 times a second. The final run event is flushed at once so the
 * summary is on screen before the app leaves.
 */
import { useEffect, useState } from 'react';
import type { Observable } from 'rxjs';
import { isFinalRunEvent, type BusEvent } from '../bus/events.js';
import { endStream, initialRunView, reduceRunView } from './run-view.js';
import type { RunView } from './run-view-types.js';

export const DEFAULT_FPS = 15;

export function useRunView(events$: Observable<BusEvent>, fps = DEFAULT_FPS): RunView {
  const [view, setView] = useState<RunView>(initialRunView);
  useEffect(() => {
    let current = initialRunView();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frameMs = Math.max(1, Math.round(1000 / fps));
    const flush = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      setView(current);
    };
    const schedule = () => {
      timer ??= setTimeout(flush, frameMs);
    };
    const sub = events$.subscribe({
      next(e) {
        try {
          current = reduceRunView(current, e);
        } catch {
          return; // a malformed (e.g. remote) event must not take the screen down; skip it
        }
        if (isFinalRunEvent(e)) flush();
        else schedule();
      },
      complete() {
        current = endStream(current);
        flush();
      },
      error(err: unknown) {
        current = endStream(current, err ?? 'event stream failed');
        flush();
      },
    });
    return () => {
      sub.unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [events$, fps]);
  return view;
}
