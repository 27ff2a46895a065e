/**
 * Streaming line reading for plain and gzip files: chunks are decoded incrementally (invalid UTF-8
 * becomes U+FFFD instead of failing), split on LF with a trailing CR dropped, and handed out as
 * batches so the per-line cost is a loop iteration, not an await. Memory stays at one chunk plus
 * one partial line (capped: a line longer than `maxLineChars` is cut into pieces).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { throwIfAborted } from '../../errors.js';

export interface ReadLinesOptions {
  readonly signal?: AbortSignal;
  /** Called with the number of bytes read from disk (compressed bytes for .gz) after each chunk. */
  readonly onBytes?: (bytes: number) => void;
  readonly maxLineChars?: number;
  /** Gzip by name (default: path ends with .gz) */
  readonly gzip?: boolean;
}

const DEFAULT_MAX_LINE = 16 * 1024 * 1024;

export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

function open(path: string, gzip: boolean, onBytes?: (n: number) => void): { input: Readable; stream: Readable } {
  const input = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (!gzip) return { input, stream: input };
  // piped streams may have more 'data' listeners; a plain stream read by async iteration may not
  if (onBytes) input.on('data', (c: string | Buffer) => onBytes(c.length));
  const gunzip = createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  return { input, stream: gunzip };
}

/** Yields arrays of lines (without line terminators) in file order. */
export async function* readLineBatches(path: string, opts: ReadLinesOptions = {}): AsyncGenerator<string[]> {
  const max = opts.maxLineChars ?? DEFAULT_MAX_LINE;
  const gzip = opts.gzip ?? isGzipPath(path);
  const { input, stream } = open(path, gzip, opts.onBytes);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(opts.signal, `reading ${path}`);
      if (!gzip) opts.onBytes?.(chunk.length);
      const text = rest + decoder.write(chunk);
      const batch: string[] = [];
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl >= 0) {
        batch.push(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = start === 0 ? text : text.slice(start);
      while (rest.length > max) {
        batch.push(rest.slice(0, max));
        rest = rest.slice(max);
      }
      if (batch.length > 0) yield batch;
    }
    throwIfAborted(opts.signal, `reading ${path}`);
    rest += decoder.end();
    if (rest.length > 0) yield [rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest];
  } finally {
    input.destroy();
    stream.destroy();
  }
}
