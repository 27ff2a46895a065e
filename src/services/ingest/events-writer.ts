/**
 * Normalized events to `events.ndjson`, written through a temp file that is renamed into place
 * only on commit, buffered in ~256 KB writes that honour backpressure.
 */
import { createAtomicStream, type AtomicStream } from '../../util/atomic-write.js';
import { once } from 'node:events';

export interface NormalizedEvent {
  readonly timestamp: number | null;
  readonly stream: string;
  readonly message: string;
  readonly level?: string;
  /** A multi-line event's whole text (first line and its continuation lines); absent for one line. */
  readonly text?: string;
}

export interface EventsWriter {
  write(e: NormalizedEvent): void;
  /** Awaits the disk when the buffer is large (call once per batch). */
  flush(): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

const FLUSH_AT = 256 * 1024;

export function formatEvent(e: NormalizedEvent): string {
  // key order is part of the documented shape; JSON.stringify escapes control characters
  let s = `{"timestamp":${e.timestamp === null ? 'null' : e.timestamp},"stream":${JSON.stringify(e.stream)},"message":${JSON.stringify(e.message)}`;
  if (e.level !== undefined && e.level !== '') s += `,"level":${JSON.stringify(e.level)}`;
  if (e.text !== undefined) s += `,"text":${JSON.stringify(e.text)}`;
  return s + '}\n';
}

export async function createEventsWriter(target: string): Promise<EventsWriter> {
  const out: AtomicStream = await createAtomicStream(target);
  let buffer = '';
  const flush = async () => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = '';
    if (!out.stream.write(chunk)) await once(out.stream, 'drain');
  };
  return {
    write(e) {
      buffer += formatEvent(e);
    },
    async flush() {
      if (buffer.length >= FLUSH_AT) await flush();
    },
    async commit() {
      await flush();
      await out.commit();
    },
    abort: () => out.abort(),
  };
}
