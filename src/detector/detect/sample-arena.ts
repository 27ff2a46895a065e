/**
 * The sample lines of open sessions, kept as UTF-8 bytes in buffers off the JS heap. A line kept
 * as a string lives until its session closes, minutes of log time later, so every kept line
 * survived the young generation and was promoted: with a session key nearly every line is one of
 * its session's first three, and the old generation filled with lines that died soon after
 * (10M lines peaked at about 280 MB of RSS for about 40 MB live). Bytes in a buffer cost the
 * garbage collector nothing, and most are never turned back into a string: only the sessions
 * kept as examples of their signature are.
 *
 * Lines go into fixed segments in arrival order; a segment is recycled when its last line is
 * released. Sessions close roughly in the order they opened, so segments empty from the oldest
 * on. A session that stays open for long would pin its segment, so when the segments hold more
 * than 1.5 times the live bytes the oldest segment's live lines move to the newest and it is
 * freed: memory stays within about 1.5 times the live lines whatever the order of closing.
 *
 * Emptied segments go to a pool and are written again, never left to the garbage collector: a
 * segment is old by the time it empties, and an old buffer's memory comes back only at the next
 * full collection, which with little else on the old generation comes rarely: 10M lines held two
 * to four times the live bytes in dead segments. The pool holds at most what the segments held at
 * their most, and that is bounded by the budget.
 *
 * The live bytes have a budget (`maxBytes`): past it `put` refuses a line and the caller keeps
 * fewer samples. Long free-text lines times tens of thousands of open sessions would otherwise
 * take hundreds of MB.
 */
import { grown } from '../../util/typed-array.js';

/** Default budget of live sample bytes: the repo generator's 50,000 open sessions keep about 15 MB. */
export const SAMPLE_BYTES = 32 << 20;
const MAX_SEGMENT = 1 << 18;
const MIN_SEGMENT = 1 << 12;

/** String.prototype.isWellFormed: in Node 20 (V8 11.3), not yet in TypeScript's ES2023 lib. */
type WellFormed = string & { isWellFormed(): boolean };

/** A segment and its handle list are reused whole: a JS array per segment was promoted garbage too. */
interface Segment {
  id: number;
  readonly buf: Buffer;
  used: number;
  live: number;
  /** Handles written here, `handles[0..written)` (some since released or moved: checked against `seg`). */
  handles: Int32Array;
  written: number;
}

export interface SampleArenaOptions {
  /** Budget of live bytes (UTF-8 in segments, two per char for lines kept as strings). */
  readonly maxBytes?: number;
}

export class SampleArena {
  /** Budget of live bytes: `put` refuses a line that would pass it. */
  readonly maxBytes: number;
  private readonly segmentSize: number;
  /** Lines this long (chars) stay strings: a few 64 KB lines must not each take a segment. */
  private readonly long: number;
  private segments: Segment[] = [];
  private firstId = 0;
  private nextId = 0;
  /** Live bytes in segments. */
  private segmentLive = 0;
  /** Live bytes of lines kept as strings (two per char). */
  private stringBytes = 0;
  private readonly pool: Segment[] = [];
  /** Per handle: segment id (-1: none, -2: kept as a string), offset and byte length. */
  private seg = new Int32Array(0);
  private off = new Int32Array(0);
  private len = new Int32Array(0);
  private readonly strings = new Map<number, string>();

  constructor(opts: SampleArenaOptions = {}) {
    this.maxBytes = Math.max(0, opts.maxBytes ?? SAMPLE_BYTES);
    // a small budget gets small segments, so the budget and not the segment bounds the memory
    let size = MIN_SEGMENT;
    while (size < MAX_SEGMENT && size * 64 < this.maxBytes) size *= 2;
    this.segmentSize = size;
    this.long = size >> 4;
  }

  /** Live bytes, as counted against the budget. */
  get bytes(): number {
    return this.segmentLive + this.stringBytes;
  }

  /** Bytes held: segments in use and pooled, and lines kept as strings (for tests: the bound). */
  get heldBytes(): number {
    return (this.segments.length + this.pool.length) * this.segmentSize + this.stringBytes;
  }

  /** Bytes of one segment (for tests). */
  get segmentBytes(): number {
    return this.segmentSize;
  }

  /** Segments in use (for tests: memory follows the live lines). */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Makes room for handles 0..n-1. */
  reserve(n: number): void {
    if (n <= this.seg.length) return;
    this.seg = grown(this.seg, n, -1);
    this.off = grown(this.off, n);
    this.len = grown(this.len, n);
  }

  /**
   * Stores `s` under handle h (free) and returns true; returns false, storing nothing, when the
   * line would take the live bytes past the budget.
   */
  put(h: number, s: string): boolean {
    // lone surrogates would not survive UTF-8: such a line (and a very long one) stays a string
    if (s.length > this.long || !(s as WellFormed).isWellFormed()) {
      if (this.bytes + 2 * s.length > this.maxBytes) return false;
      this.seg[h] = -2;
      this.strings.set(h, s);
      this.stringBytes += 2 * s.length;
      return true;
    }
    // s.length is a lower bound of its UTF-8 bytes: refuse early, and exactly once written
    if (this.bytes + s.length > this.maxBytes) return false;
    const cur = this.room(s.length * 3);
    const n = cur.buf.write(s, cur.used);
    if (this.bytes + n > this.maxBytes) return false;
    this.seg[h] = cur.id;
    this.off[h] = cur.used;
    this.len[h] = n;
    cur.used += n;
    cur.live++;
    this.noteHandle(cur, h);
    this.segmentLive += n;
    this.compact();
    return true;
  }

  /** The line under handle h; h is free afterwards. */
  take(h: number): string {
    const id = this.seg[h];
    if (id === -2) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- h was found in the index, which only holds interned strings
      const s = this.strings.get(h)!;
      this.release(h);
      return s;
    }
    const s = this.segments[id - this.firstId].buf.toString('utf8', this.off[h], this.off[h] + this.len[h]);
    this.release(h);
    return s;
  }

  /** Frees handle h without reading it. */
  release(h: number): void {
    const id = this.seg[h];
    this.seg[h] = -1;
    if (id === -1) return;
    if (id === -2) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a handle marked -2 holds its text in strings
      this.stringBytes -= 2 * this.strings.get(h)!.length;
      this.strings.delete(h);
      return;
    }
    const s = this.segments[id - this.firstId];
    s.live--;
    this.segmentLive -= this.len[h];
    while (this.segments.length > 1 && this.segments[0].live === 0) this.dropOldest();
  }

  /** The newest segment with `bytes` free, opened if need be. */
  private room(bytes: number): Segment {
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined && last.used + bytes <= this.segmentSize) return last;
    let s = this.pool.pop();
    if (s === undefined) s = { id: 0, buf: Buffer.allocUnsafeSlow(this.segmentSize), used: 0, live: 0, handles: new Int32Array(256), written: 0 };
    s.id = this.nextId++;
    s.used = 0;
    s.live = 0;
    s.written = 0;
    if (this.segments.length === 0) this.firstId = s.id;
    this.segments.push(s);
    return s;
  }

  private noteHandle(s: Segment, h: number): void {
    if (s.written === s.handles.length) {
      const more = new Int32Array(2 * s.handles.length);
      more.set(s.handles);
      s.handles = more;
    }
    s.handles[s.written++] = h;
  }

  private dropOldest(): void {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- called only while more than one segment is left
    const s = this.segments.shift()!;
    this.firstId++;
    this.pool.push(s);
  }

  /** Moves the oldest segment's live lines to the newest while segments hold over 1.5x the live bytes. */
  private compact(): void {
    const size = this.segmentSize;
    while (this.segments.length > 2 && this.segments.length * size > 1.5 * this.segmentLive + 2 * size) {
      const old = this.segments[0];
      for (let i = 0; i < old.written; i++) {
        const h = old.handles[i];
        if (this.seg[h] !== old.id) continue;
        const n = this.len[h];
        const cur = this.room(n);
        old.buf.copy(cur.buf, cur.used, this.off[h], this.off[h] + n);
        this.seg[h] = cur.id;
        this.off[h] = cur.used;
        cur.used += n;
        cur.live++;
        this.noteHandle(cur, h);
        old.live--;
      }
      this.dropOldest();
    }
  }
}
