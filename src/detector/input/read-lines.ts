/**
 * The one line reader (ingestion, detection, baselines, `parse`): lines of a plain or gzipped file,
 * in batches. One await per 64 KB instead of one per line is what lets the engine run at millions
 * of lines a second. Invalid UTF-8 becomes U+FFFD (Node's decoder), CRLF loses its CR, and a last
 * line without a newline still counts.
 *
 * Bounded by any input: a line longer than `maxLineBytes` keeps its first `maxLineBytes` bytes
 * (cut back to a UTF-8 character boundary) and the rest is skipped as it streams past, counted in
 * `counts.truncated`. Memory stays at one chunk plus one capped line, whatever the file holds
 * (a 1 GB file without a newline reads in constant memory).
 */
import { createReadStream, openSync, statSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pipeline, Readable } from 'node:stream';
import { assertText, classifyHead, SNIFF_BYTES } from './file-kind.js';
import { AbortedError, PipelineError, ErrorCode, errnoCode, messageOf } from '../../errors.js';

// Larger reads measured slower (256 KB and 1 MB: more lines in flight per batch, more GC).
const CHUNK = 1 << 16;

const TURN_EVERY = 16;

/** Default line cap: settings `limits.maxLineBytes`, `detect --max-line-bytes`. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/**
 * The cap for NDJSON this tool wrote itself (events.ndjson, CloudWatch parts): a message capped
 * at the line cap can grow up to 6x when JSON-escaped, so these only guard against a corrupt file.
 */
export const OWN_NDJSON_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** What a read saw, filled in as it goes (so a caller can report it even after an abort). */
export interface LineCounts {
  /** Lines longer than the cap, cut to it. */
  truncated: number;
  /**
   * Bytes of the (decompressed) file up to the end of the last line handed out: the offset to
   * start from to read the remaining lines.
   */
  offset: number;
}

export interface ReadLinesOptions {
  readonly signal?: AbortSignal;
  /** Longer lines are truncated to this many bytes (default DEFAULT_MAX_LINE_BYTES). */
  readonly maxLineBytes?: number;
  /** Bytes read from disk (compressed bytes for .gz) after each chunk: progress against the file size. */
  readonly onBytes?: (bytes: number) => void;
  readonly counts?: LineCounts;
  /**
   * Start at this byte offset of the (decompressed) file: a `LineCounts.offset` of an earlier read,
   * so the start of a line. A regular file is read from there; gzip and pipes are read from their
   * start and the first `start` bytes are skipped.
   */
  readonly start?: number;
}
/**
 * The chunks of a regular file, read synchronously into one reused buffer: a 64 KB read from the
 * page cache takes tens of microseconds, less than the engine spends on the lines it yields, while
 * a read stream's events and promises cost more than the read (about 5% of a detection run).
 * readLineBatches gives the event loop a turn every TURN_EVERY chunks, so timers, aborts and the
 * UI still run during a long file. Each chunk is consumed before the next read overwrites it.
 */
function* fileChunks(fd: number, start: number, signal?: AbortSignal, onBytes?: (n: number) => void): Generator<Buffer> {
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let position = start;
    for (;;) {
      if (signal?.aborted) return;
      const n = readSync(fd, buf, 0, CHUNK, position);
      if (n === 0) return;
      position += n;
      onBytes?.(n);
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A file that streams (gzip, or not a regular file): its first chunk decides whether it goes
 * through gunzip, so a FIFO is sniffed without being read twice.
 */
async function* decodedChunks(path: string, signal?: AbortSignal, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: CHUNK, signal })[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await raw.next();
  if (first.done) return;
  onBytes?.(first.value.length);
  async function* rest(): AsyncGenerator<Buffer> {
    for (let n = await raw.next(); !n.done; n = await raw.next()) {
      onBytes?.(n.value.length);
      yield n.value;
    }
  }
  if (classifyHead(path, first.value) === 'text') {
    yield first.value;
    yield* rest();
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK });
  // pipeline destroys gunzip with the source's error, and iterating gunzip then throws it
  pipeline(Readable.from((async function* () {
    yield first.value;
    yield* rest();
  })()), gunzip, () => {});
  let head = true;
  for await (const chunk of gunzip) {
    if (head) assertText(path, chunk as Buffer, true);
    head = false;
    yield chunk as Buffer;
  }
}

/**
 * decodedChunks from byte `start` of the decoded content: gzip and pipes cannot seek, so the bytes
 * before it are read and skipped.
 */
async function* streamChunks(path: string, start: number, signal?: AbortSignal, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  let skip = start;
  for await (const chunk of decodedChunks(path, signal, onBytes)) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}

/** The first bytes of a regular file, read at offset 0 (the file position stays where it was). */
function headOf(fd: number): Buffer {
  const b = Buffer.alloc(SNIFF_BYTES);
  return b.subarray(0, readSync(fd, b, 0, SNIFF_BYTES, 0));
}

/**
 * Gzip (by its magic bytes, whatever the name), and anything that is not a regular file (a FIFO
 * would block a synchronous read), streams; a plain regular file is read synchronously. Other
 * compressions, archives and binary files throw before a line is read (file-kind.ts).
 */
function chunksOf(path: string, start: number, signal?: AbortSignal, onBytes?: (n: number) => void): Iterable<Buffer> | AsyncIterable<Buffer> {
  // stat, not open, decides: opening a FIFO waits for its writer (on the event loop, if done
  // synchronously), and a second open after the first would wait for a second writer
  if (!statSync(path).isFile()) return streamChunks(path, start, signal, onBytes);
  const fd = openSync(path, 'r');
  let kind: 'gzip' | 'text';
  try {
    kind = classifyHead(path, headOf(fd));
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (kind === 'text') return fileChunks(fd, start, signal, onBytes);
  closeSync(fd);
  return streamChunks(path, start, signal, onBytes);
}

/** Whether a read with `start` seeks there (a plain regular text file) rather than reading past the bytes before it. */
export function seeksTo(path: string): boolean {
  if (!statSync(path).isFile()) return false;
  const fd = openSync(path, 'r');
  try {
    return classifyHead(path, headOf(fd)) === 'text';
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * One line's bytes as a string, without its CR. Each line is decoded on its own (a newline byte
 * never occurs inside a UTF-8 sequence, so this is the file's decoding), which gives every line a
 * flat string of its own: V8 reads those faster than the slices split() would make of a chunk.
 */
function decodeLine(b: Buffer, from: number, to: number): string {
  // no encoding argument means UTF-8 and skips the encoding lookup (a tenth of the read time)
  return b.toString(undefined, from, to > from && b[to - 1] === 13 ? to - 1 : to);
}

/** `from + max`, moved back off UTF-8 continuation bytes so the cut never splits a character. */
function cutAt(b: Buffer, from: number, max: number): number {
  let end = from + max;
  while (end > from && (b[end] & 0xc0) === 0x80) end--;
  return end;
}

function readError(path: string, err: unknown, signal?: AbortSignal): PipelineError {
  if (err instanceof PipelineError) return err;
  if (signal?.aborted) return new AbortedError(`reading ${path} aborted`, { cause: signal.reason });
  const code = errnoCode(err) === 'ENOENT' ? ErrorCode.NOT_FOUND : ErrorCode.IO;
  return new PipelineError(code, `cannot read ${path}: ${messageOf(err)}`, { cause: err });
}

/** `readLineBatches(path, signal)` is the short form of `readLineBatches(path, { signal })`. */
export async function* readLineBatches(path: string, options?: AbortSignal | ReadLinesOptions): AsyncGenerator<string[]> {
  const opts: ReadLinesOptions = options instanceof AbortSignal ? { signal: options } : (options ?? {});
  const { signal } = opts;
  const max = Math.max(1, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const counts: LineCounts = opts.counts ?? { truncated: 0, offset: 0 };
  // bytes of a line that runs past the chunk (copies: the chunk's buffer is reused), at most `max`
  let carry: Buffer[] = [];
  let carried = 0;
  // the line in progress has passed the cap: its remaining bytes are skipped
  let overflow = false;
  let chunks = 0;
  const start = Math.max(0, opts.start ?? 0);
  let base = start;
  counts.offset = start;
  try {
    for await (const chunk of chunksOf(path, start, signal, opts.onBytes)) {
      if (++chunks % TURN_EVERY === 0) await nextTurn();
      if (signal?.aborted) throw new AbortedError(`reading ${path} aborted`, { cause: signal.reason });
      const out: string[] = [];
      let p = 0;
      let q = chunk.indexOf(10);
      if (q >= 0 && (carried > 0 || overflow)) {
        let joined = Buffer.concat(carry, carried);
        if (!overflow && carried + q > max) {
          joined = Buffer.concat([joined, chunk.subarray(0, q)]);
          joined = joined.subarray(0, cutAt(joined, 0, max));
          overflow = true;
        } else if (!overflow) joined = Buffer.concat([joined, chunk.subarray(0, q)]);
        out.push(decodeLine(joined, 0, joined.length));
        if (overflow) counts.truncated++;
        carry = [];
        carried = 0;
        overflow = false;
        p = q + 1;
        q = chunk.indexOf(10, p);
      }
      while (q >= 0) {
        if (q - p > max) {
          out.push(decodeLine(chunk, p, cutAt(chunk, p, max)));
          counts.truncated++;
        } else out.push(decodeLine(chunk, p, q));
        p = q + 1;
        q = chunk.indexOf(10, p);
      }
      if (out.length > 0) counts.offset = base + p;
      base += chunk.length;
      if (p < chunk.length && !overflow) {
        const room = max - carried;
        const take = Math.min(room, chunk.length - p);
        const end = take < chunk.length - p ? cutAt(chunk, p, take) : chunk.length;
        if (end > p) {
          carry.push(Buffer.from(chunk.subarray(p, end)));
          carried += end - p;
        }
        if (take < chunk.length - p) overflow = true;
      }
      if (out.length > 0) yield out;
    }
    if (signal?.aborted) throw new AbortedError(`reading ${path} aborted`, { cause: signal.reason });
  } catch (err) {
    throw readError(path, err, signal);
  }
  if (carried > 0 || overflow) {
    const last = Buffer.concat(carry, carried);
    if (overflow) counts.truncated++;
    counts.offset = base;
    yield [decodeLine(last, 0, last.length)];
  }
}
