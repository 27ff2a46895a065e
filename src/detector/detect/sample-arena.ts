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
 * than twice the live bytes the oldest segment's live lines move to the newest and it is freed:
 * memory stays within about twice the live lines whatever the order of closing.
 */

const SEGMENT = 1 << 18;
/** Lines this long (chars) stay strings: a few 64 KB lines must not each take a segment. */
const LONG = SEGMENT >> 4;

/** String.prototype.isWellFormed: in Node 20 (V8 11.3), not yet in TypeScript's ES2023 lib. */
type WellFormed = string & { isWellFormed(): boolean };

interface Segment {
  readonly id: number;
  readonly buf: Buffer;
  used: number;
  live: number;
  /** Handles written here (some since released or moved: checked against `seg`). */
  readonly handles: number[];
}

export class SampleArena {
  private segments: Segment[] = [];
  private firstId = 0;
  private nextId = 0;
  private liveBytes = 0;
  private spare: Buffer | null = null;
  /** Per handle: segment id (-1: none, -2: kept as a string), offset and byte length. */
  private seg = new Int32Array(0);
  private off = new Int32Array(0);
  private len = new Int32Array(0);
  private readonly strings = new Map<number, string>();

  /** Segments in use (for tests: memory follows the live lines). */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Makes room for handles 0..n-1. */
  reserve(n: number): void {
    if (n <= this.seg.length) return;
    const grow = (a: Int32Array, fill: number) => {
      const b = new Int32Array(n).fill(fill);
      b.set(a);
      return b;
    };
    this.seg = grow(this.seg, -1);
    this.off = grow(this.off, 0);
    this.len = grow(this.len, 0);
  }

  /** Stores `s` under handle h (free). */
  put(h: number, s: string): void {
    // lone surrogates would not survive UTF-8: such a line (and a very long one) stays a string
    if (s.length > LONG || !(s as WellFormed).isWellFormed()) {
      this.seg[h] = -2;
      this.strings.set(h, s);
      return;
    }
    const cur = this.room(s.length * 3);
    const n = cur.buf.write(s, cur.used);
    this.seg[h] = cur.id;
    this.off[h] = cur.used;
    this.len[h] = n;
    cur.used += n;
    cur.live++;
    cur.handles.push(h);
    this.liveBytes += n;
    this.compact();
  }

  /** The line under handle h; h is free afterwards. */
  take(h: number): string {
    const id = this.seg[h]!;
    if (id === -2) {
      const s = this.strings.get(h)!;
      this.release(h);
      return s;
    }
    const s = this.segments[id - this.firstId]!.buf.toString('utf8', this.off[h]!, this.off[h]! + this.len[h]!);
    this.release(h);
    return s;
  }

  /** Frees handle h without reading it. */
  release(h: number): void {
    const id = this.seg[h]!;
    this.seg[h] = -1;
    if (id === -1) return;
    if (id === -2) {
      this.strings.delete(h);
      return;
    }
    const s = this.segments[id - this.firstId]!;
    s.live--;
    this.liveBytes -= this.len[h]!;
    while (this.segments.length > 1 && this.segments[0]!.live === 0) this.dropOldest();
  }

  /** The newest segment with `bytes` free, opened if need be. */
  private room(bytes: number): Segment {
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined && last.used + bytes <= SEGMENT) return last;
    const buf = this.spare ?? Buffer.allocUnsafeSlow(SEGMENT);
    this.spare = null;
    const s: Segment = { id: this.nextId++, buf, used: 0, live: 0, handles: [] };
    if (this.segments.length === 0) this.firstId = s.id;
    this.segments.push(s);
    return s;
  }

  private dropOldest(): void {
    const s = this.segments.shift()!;
    this.firstId++;
    this.spare = s.buf;
  }

  /** Moves the oldest segment's live lines to the newest while segments hold over 2x the live bytes. */
  private compact(): void {
    while (this.segments.length > 2 && this.segments.length * SEGMENT > 2 * this.liveBytes + 2 * SEGMENT) {
      const old = this.segments[0]!;
      for (const h of old.handles) {
        if (this.seg[h] !== old.id) continue;
        const n = this.len[h]!;
        const cur = this.room(n);
        old.buf.copy(cur.buf, cur.used, this.off[h]!, this.off[h]! + n);
        this.seg[h] = cur.id;
        this.off[h] = cur.used;
        cur.used += n;
        cur.live++;
        cur.handles.push(h);
        old.live--;
      }
      this.dropOldest();
    }
  }
}
