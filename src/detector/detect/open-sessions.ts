/**
 * The open sessions of a session tracker as parallel arrays indexed by slot. Tens of thousands of
 * sessions are open at once and each lives for minutes of log time: as objects (a session, its
 * count and sample arrays) they all survived the young generation and were promoted, and the old
 * generation grew to four times what was live. Here a session costs a slot in arrays allocated
 * once; its key (./session-keys.ts) and the lines it keeps as samples (./sample-arena.ts) live in
 * typed arrays and buffers too.
 */
import { SampleArena, type SampleArenaOptions } from './sample-arena.js';
import { SessionKeys } from './session-keys.js';
import { grown } from '../../util/typed-array.js';

/** Distinct templates a slot holds inline; a session with more keeps the rest in an overflow array. */
const INLINE = 8;
/** Sample lines kept per session (the first ones). */
export const SESSION_SAMPLES = 3;
/** In sampleCount: the session keeps no more samples (the arena's budget was tight). */
const SAMPLING_DONE = 0x80;

/** What a sample is made from: the engine's line. */
export interface SampleLine {
  readonly raw: string;
  readonly lineNo: number;
  readonly stream: string;
}

/** One closed session, as the tracker turns it into a signature (its counts: countsOf). */
export interface ClosedSession {
  readonly first: number | null;
  readonly last: number | null;
  readonly samples: { raw: string; lineNo: number; stream: string; timestamp: number | null }[];
}

export interface OpenSessionsOptions {
  /** Sessions open at once, at most (the tracker closes the oldest past it): the arrays grow no further. */
  readonly maxOpen?: number;
  /** Budget of the sample lines' bytes (./sample-arena.ts). */
  readonly sampleBytes?: SampleArenaOptions['maxBytes'];
}

export class OpenSessions {
  /** Session key -> slot, in opening order (the oldest is closed first). */
  private readonly keys = new SessionKeys();
  private readonly maxSlots: number;
  private cap = 0;
  private readonly free: number[] = [];
  private used = 0;
  /** Template id <-> small integer, so a slot's counts live in Int32Arrays. */
  private readonly idOf = new Map<string, number>();
  private readonly ids: string[] = [];

  private first = new Float64Array(0);
  private last = new Float64Array(0);
  /** 1 when first/last hold a time (null otherwise, which NaN could not tell apart). */
  private timed = new Uint8Array(0);
  private tpl = new Int32Array(0);
  private n = new Int32Array(0);
  /** Distinct templates held inline (at most INLINE; the rest are in `overflow`). */
  private pairs = new Uint8Array(0);
  private readonly overflow = new Map<number, (string | number)[]>();
  /** Samples kept, plus SAMPLING_DONE once the session keeps no more. */
  private sampleCount = new Uint8Array(0);
  private sampleNo = new Float64Array(0);
  private sampleTs = new Float64Array(0);
  private sampleTimed = new Uint8Array(0);
  private readonly sampleRaw: SampleArena;
  /** Index into `streams`: a pointer per sample would be one more large array for the GC to scan. */
  private sampleStream = new Uint32Array(0);
  private readonly streams: string[] = [];
  private readonly streamOf = new Map<string, number>();
  private lastStream = -1;

  constructor(opts: OpenSessionsOptions = {}) {
    this.maxSlots = Math.max(1, (opts.maxOpen ?? Infinity) + 1);
    this.sampleRaw = new SampleArena({ maxBytes: opts.sampleBytes });
  }

  get size(): number {
    return this.keys.size;
  }

  /** The oldest open session's slot, or -1. */
  oldest(): number {
    return this.keys.oldest();
  }

  /** The slot of the session opened after `slot`'s, or -1 (read it before closing `slot`). */
  after(slot: number): number {
    return this.keys.after(slot);
  }

  /** The key of an open session. */
  keyOf(slot: number): string {
    return this.keys.keyOf(slot);
  }

  /** Bytes of sample lines held and their budget (for tests). */
  get sampleBytes(): { readonly live: number; readonly held: number; readonly max: number } {
    return { live: this.sampleRaw.bytes, held: this.sampleRaw.heldBytes, max: this.sampleRaw.maxBytes };
  }

  /** Adds a line to the session `key`; opens the session when it is new. */
  add(key: string, templateId: string, line: SampleLine, ts: number | null): void {
    let slot = this.keys.find(key);
    if (slot === -1) {
      slot = this.alloc();
      this.keys.insert(key, slot);
      this.timed[slot] = ts === null ? 0 : 1;
      this.first[slot] = ts ?? 0;
      this.last[slot] = ts ?? 0;
      this.pairs[slot] = 0;
      this.sampleCount[slot] = 0;
    } else if (ts !== null) {
      if (this.timed[slot] === 0) {
        this.timed[slot] = 1;
        this.first[slot] = ts;
        this.last[slot] = ts;
      } else {
        if (ts < this.first[slot]) this.first[slot] = ts;
        if (ts > this.last[slot]) this.last[slot] = ts;
      }
    }
    this.count(slot, this.intern(templateId));
    const k = this.sampleCount[slot];
    if (k < SESSION_SAMPLES) {
      const at = slot * SESSION_SAMPLES + k;
      // Past three quarters of the budget a new session keeps its first line only, past the
      // budget none: the sessions kept as examples still show their first line.
      const raw = this.sampleRaw;
      if ((k === 0 || raw.bytes <= raw.maxBytes * 0.75) && raw.put(at, line.raw)) {
        this.sampleStream[at] = this.streamIndex(line.stream);
        this.sampleNo[at] = line.lineNo;
        this.sampleTimed[at] = ts === null ? 0 : 1;
        this.sampleTs[at] = ts ?? 0;
        this.sampleCount[slot] = k + 1;
      } else this.sampleCount[slot] = k | SAMPLING_DONE;
    }
  }

  /** The session's latest time, or null when none of its lines had one. */
  lastOf(slot: number): number | null {
    return this.timed[slot] === 1 ? this.last[slot] : null;
  }

  /** Template ids of an open session in first-seen order, each followed by its count. */
  countsOf(slot: number): (string | number)[] {
    const counts: (string | number)[] = [];
    for (let p = 0; p < this.pairs[slot]; p++) counts.push(this.ids[this.tpl[slot * INLINE + p]], this.n[slot * INLINE + p]);
    const more = this.overflow.get(slot);
    if (more !== undefined) counts.push(...more);
    return counts;
  }

  /**
   * Removes the session and returns what it held; its sample lines only `withSamples` (most
   * sessions are not kept as an example, and their lines are never made strings again).
   */
  close(slot: number, withSamples: boolean): ClosedSession {
    this.keys.remove(slot);
    this.overflow.delete(slot);
    const samples: ClosedSession['samples'] = [];
    const kept = this.sampleCount[slot] & ~SAMPLING_DONE;
    for (let k = 0; k < kept; k++) {
      const at = slot * SESSION_SAMPLES + k;
      if (withSamples) {
         
        samples.push({ raw: this.sampleRaw.take(at), lineNo: this.sampleNo[at], stream: this.streams[this.sampleStream[at]], timestamp: this.sampleTimed[at] === 1 ? this.sampleTs[at] : null });
      } else this.sampleRaw.release(at);
    }
    const timed = this.timed[slot] === 1;
    this.free.push(slot);
    return { first: timed ? this.first[slot] : null, last: timed ? this.last[slot] : null, samples };
  }

  private count(slot: number, t: number): void {
    const m = this.pairs[slot];
    const base = slot * INLINE;
    for (let p = 0; p < m; p++) {
      if (this.tpl[base + p] === t) {
        this.n[base + p]++;
        return;
      }
    }
    if (m < INLINE) {
      this.tpl[base + m] = t;
      this.n[base + m] = 1;
      this.pairs[slot] = m + 1;
      return;
    }
    // a ninth distinct template and beyond: rare, kept as `id, n` pairs in first-seen order
    let more = this.overflow.get(slot);
    if (more === undefined) this.overflow.set(slot, (more = []));
    const id = this.ids[t];
    for (let p = 0; p < more.length; p += 2) {
      if (more[p] === id) {
        more[p + 1] = (more[p + 1] as number) + 1;
        return;
      }
    }
    more.push(id, 1);
  }

  /** Streams are few (files, mostly): their names once, each sample a small index. */
  private streamIndex(stream: string): number {
    if (this.lastStream >= 0 && this.streams[this.lastStream] === stream) return this.lastStream;
    let i = this.streamOf.get(stream);
    if (i === undefined) {
      i = this.streams.length;
      this.streams.push(stream);
      this.streamOf.set(stream, i);
    }
    this.lastStream = i;
    return i;
  }

  private intern(id: string): number {
    let t = this.idOf.get(id);
    if (t === undefined) {
      t = this.ids.length;
      this.ids.push(id);
      this.idOf.set(id, t);
    }
    return t;
  }

  private alloc(): number {
    const s = this.free.pop();
    if (s !== undefined) return s;
    if (this.used === this.cap) this.grow();
    return this.used++;
  }

  private grow(): void {
    // doubling, but not past the most sessions the tracker keeps open (50,001 would take 65,536)
    const cap = Math.max(this.cap + 1, Math.min(Math.max(1024, this.cap * 2), this.maxSlots));
    const f64 = (a: Float64Array<ArrayBuffer>, k: number) => grown(a, cap * k);
    const u8 = (a: Uint8Array<ArrayBuffer>, k: number) => grown(a, cap * k);
    const i32 = (a: Int32Array<ArrayBuffer>, k: number) => grown(a, cap * k);
    this.first = f64(this.first, 1);
    this.last = f64(this.last, 1);
    this.timed = u8(this.timed, 1);
    this.tpl = i32(this.tpl, INLINE);
    this.n = i32(this.n, INLINE);
    this.pairs = u8(this.pairs, 1);
    this.sampleCount = u8(this.sampleCount, 1);
    this.sampleNo = f64(this.sampleNo, SESSION_SAMPLES);
    this.sampleTs = f64(this.sampleTs, SESSION_SAMPLES);
    this.sampleTimed = u8(this.sampleTimed, SESSION_SAMPLES);
    this.sampleStream = grown(this.sampleStream, cap * SESSION_SAMPLES);
    this.sampleRaw.reserve(cap * SESSION_SAMPLES);
    this.keys.reserve(cap);
    this.cap = cap;
  }
}
