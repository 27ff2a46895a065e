/**
 * `runs/<run_id>/bus.ndjson`: every bus event of a run, one JSON line each, appended as it happens.
 * The local twin of the NATS stream: the web dashboard replays it to draw a run (finished or live)
 * without NATS. Appends go through one stream in order; a line is whole or absent after a crash
 * (readers skip a torn last line).
 */
import { createWriteStream } from 'node:fs';
import type { Observable } from 'rxjs';
import type { BusEvent } from './events.js';

export const JOURNAL_FILE = 'bus.ndjson';

export interface Journal {
  /** Resolves once everything written so far is on disk. */
  close(): Promise<void>;
}

export function attachJournal(events$: Observable<BusEvent>, file: string): Journal {
  const out = createWriteStream(file, { flags: 'a' });
  let failed = false;
  // A full disk must not stop the run: the journal is a view, the run's own files are the record.
  out.on('error', () => (failed = true));
  const sub = events$.subscribe({ next: (e) => {
      if (!failed) out.write(JSON.stringify(e) + '\n');
    } });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        sub.unsubscribe();
        if (failed) { resolve(); return; }
        out.end(() => resolve());
      }),
  };
}

/** The events in a journal's text; a torn last line (a crash mid-write) is skipped. */
export function parseJournal(text: string): BusEvent[] {
  const out: BusEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as BusEvent);
    } catch {
      // only the last line can be torn; anything else unparsable is skipped too rather than hiding the run
    }
  }
  return out;
}
