/**
 * Session anomalies. A session (request id, trace id, block id: whatever `session_key` captures)
 * is summarised by its count vector of templates, the "signature". Normal traffic has few distinct
 * signatures, so the tracker keeps one entry per signature instead of one per session and stays
 * small on 10M lines. A signature is anomalous when it holds a template that normal sessions do
 * not have, or breaks an invariant normal sessions keep (template A appears exactly as often as
 * B: every "charge started" has its "charge completed"): the Invariants-Mining idea, restricted
 * to pairwise ratios, which is cheap and explains itself. Order is not used: lines of one session
 * arrive from several files, so their order in the input is not their order in time.
 */
import type { AnomalySample } from '../anomalies-schema.js';
import { OpenSessions, type SampleLine } from './open-sessions.js';
import { capYoungGeneration, limitHeapGrowth } from './heap-growth.js';

export interface SessionModelData {
  /** Normal sessions learned. */
  sessions: number;
  /** Signature -> sessions that had it (the most common ones, bounded). */
  signatures: Record<string, number>;
}

export interface SessionExample {
  readonly key: string;
  readonly first: number | null;
  readonly last: number | null;
  readonly samples: AnomalySample[];
}

export interface SignatureAcc {
  readonly counts: ReadonlyMap<string, number>;
  sessions: number;
  readonly examples: SessionExample[];
}

export type { SampleLine };

/**
 * A copy of s that does not share memory with the read chunk it was cut from: V8 keeps the whole
 * parent string alive for every slice, so a few thousand kept samples (or session keys) would pin
 * the file.
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}

export function sampleOf(line: SampleLine, timestamp: number | null): AnomalySample {
  return { line: detach(line.raw), lineNo: line.lineNo, stream: line.stream, timestamp };
}

export interface SessionTrackerOptions {
  /**
   * Close sessions idle this long (log time). Only for time-ordered input (merged files): when
   * files are read one after another, "idle" by one file's clock is not idle at all.
   */
  readonly idleMs?: number;
  readonly orderedInput?: boolean;
  readonly maxOpen?: number;
  readonly maxSignatures?: number;
  /** Budget of the open sessions' sample lines, in bytes (./sample-arena.ts). */
  readonly sampleBytes?: number;
}

export function signatureOf(counts: ReadonlyMap<string, number>): string {
  return signatureOfPairs([...counts].flat());
}

/** signatureOf for the pairs `id, n, id, n, ...`: ids sorted by code unit, `id*n` joined by spaces. */
function signatureOfPairs(counts: readonly (string | number)[]): string {
  const order: number[] = [];
  // Insertion sort of the pair offsets: a session has a handful of templates.
  for (let p = 0; p < counts.length; p += 2) {
    let j = order.length - 1;
    order.push(p);
    while (j >= 0 && counts[order[j]] > counts[p]) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- j stays inside order (insertion sort)
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = p;
  }
  let sig = '';
  for (let i = 0; i < order.length; i++) sig += `${i === 0 ? '' : ' '}${counts[order[i]]}*${counts[order[i] + 1]}`;
  return sig;
}

function pairsToMap(counts: readonly (string | number)[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let p = 0; p < counts.length; p += 2) m.set(counts[p] as string, counts[p + 1] as number);
  return m;
}

export function parseSignature(sig: string): Map<string, number> {
  const m = new Map<string, number>();
  if (!sig) return m;
  for (const part of sig.split(' ')) {
    const i = part.lastIndexOf('*');
    m.set(part.slice(0, i), Number(part.slice(i + 1)));
  }
  return m;
}

export interface SessionTracker {
  /** A line of session `key` mined as `templateId`. */
  add(key: string, templateId: string, line: SampleLine, timestamp: number | null): void;
  /** Close everything still open and return the signatures. */
  finish(): Map<string, SignatureAcc>;
  readonly dropped: number;
}

export function createSessionTracker(opts: SessionTrackerOptions = {}): SessionTracker {
  const idleMs = opts.orderedInput ? (opts.idleMs ?? 30 * 60_000) : Infinity;
  const maxOpen = opts.maxOpen ?? 50_000;
  const maxSignatures = opts.maxSignatures ?? 50_000;
  let open = new OpenSessions({ maxOpen, sampleBytes: opts.sampleBytes });
  // tens of thousands of sessions' worth of promoted lines: keep the heap near what is live
  limitHeapGrowth();
  const sigs = new Map<string, SignatureAcc>();
  let dropped = 0;
  let lineNo = 0;
  let latest = -Infinity;

  function close(slot: number): void {
    const counts = open.countsOf(slot);
    const sig = signatureOfPairs(counts);
    let acc = sigs.get(sig);
    const full = acc === undefined && sigs.size >= maxSignatures;
    // only the few sessions kept as examples get their key and lines back as strings
    const example = !full && (acc === undefined || acc.examples.length < 3);
    const key = example ? open.keyOf(slot) : '';
    const s = open.close(slot, example);
    if (full) {
      dropped++;
      return;
    }
    if (!acc) {
      // Insertion order as the per-session Map had it: scoring lists reasons in this order.
      acc = { counts: pairsToMap(counts), sessions: 0, examples: [] };
      sigs.set(sig, acc);
    }
    acc.sessions++;
    if (acc.examples.length < 3) {
      const samples = s.samples.map((x) => ({ line: detach(x.raw), lineNo: x.lineNo, stream: x.stream, timestamp: x.timestamp }));
      acc.examples.push({ key, first: s.first, last: s.last, samples });
    }
  }

  /**
   * No open session's `last` is below this (a session's `last` only grows): while nothing can be
   * idle, a sweep for capacity stops after the oldest sessions instead of visiting all 50,000.
   */
  let minLast = Infinity;

  // One pass closes idle sessions and, when over capacity, the oldest (Map order) down to 90%:
  // amortised O(1) per line.
  function sweep(): void {
    const target = open.size > maxOpen ? Math.floor(maxOpen * 0.9) : Infinity;
    if (!(latest - minLast > idleMs)) {
      for (let slot = open.oldest(), next: number; slot !== -1 && open.size > target; slot = next) {
        next = open.after(slot);
        close(slot);
      }
      return;
    }
    let min = Infinity;
    for (let slot = open.oldest(), next: number; slot !== -1; slot = next) {
      next = open.after(slot);
      const last = open.lastOf(slot);
      const idleByTime = last !== null && latest - last > idleMs;
      if (idleByTime || open.size > target) close(slot);
      else if (last !== null && last < min) min = last;
    }
    minLast = min;
  }

  return {
    add(key, templateId, line, ts) {
      lineNo++;
      if (ts !== null) {
        if (ts > latest) latest = ts;
        // This line may become its session's `last` (a new session's, or one whose `last` was null).
        if (ts < minLast) minLast = ts;
      }
      // The key is a slice of the line; a new session keeps its chars (session-keys.ts).
      open.add(key, templateId, line, ts);
      if ((lineNo & 0xfff) === 0) capYoungGeneration();
      if ((lineNo & 0xffff) === 0 || open.size > maxOpen) sweep();
    },
    finish() {
      for (let slot = open.oldest(), next: number; slot !== -1; slot = next) {
        next = open.after(slot);
        close(slot);
      }
      // Its arrays and sample segments (about 30 MB at 50,000 sessions) to the collector: a
      // finished tracker stays reachable while its engine is (the baseline's, as the target is read).
      open = new OpenSessions({ maxOpen, sampleBytes: opts.sampleBytes });
      return sigs;
    },
    get dropped() {
      return dropped;
    },
  };
}

/** The signatures of a run as model data (to learn from, or to merge into the baseline). */
export function toModelData(sigs: ReadonlyMap<string, SignatureAcc>, maxSignatures = 5000): SessionModelData {
  const top = [...sigs].sort((a, b) => b[1].sessions - a[1].sessions).slice(0, maxSignatures);
  let sessions = 0;
  for (const [, acc] of sigs) sessions += acc.sessions;
  return { sessions, signatures: Object.fromEntries(top.map(([sig, acc]) => [sig, acc.sessions])) };
}

export function mergeSessions(a: SessionModelData | null, b: SessionModelData, maxSignatures = 5000): SessionModelData {
  if (!a) return b;
  const merged: Record<string, number> = { ...a.signatures };
  for (const [sig, n] of Object.entries(b.signatures)) merged[sig] = (merged[sig] ?? 0) + n;
  const top = Object.entries(merged).sort((x, y) => y[1] - x[1]).slice(0, maxSignatures);
  return { sessions: a.sessions + b.sessions, signatures: Object.fromEntries(top) };
}
