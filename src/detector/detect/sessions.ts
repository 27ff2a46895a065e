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

interface OpenSession {
  readonly counts: Map<string, number>;
  first: number | null;
  last: number | null;
  readonly samples: AnomalySample[];
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
}

export function signatureOf(counts: ReadonlyMap<string, number>): string {
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id, n]) => `${id}*${n}`).join(' ');
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
  add(key: string, templateId: string, sample: AnomalySample): void;
  /** Close everything still open and return the signatures. */
  finish(): Map<string, SignatureAcc>;
  readonly dropped: number;
}

export function createSessionTracker(opts: SessionTrackerOptions = {}): SessionTracker {
  const idleMs = opts.orderedInput ? (opts.idleMs ?? 30 * 60_000) : Infinity;
  const maxOpen = opts.maxOpen ?? 50_000;
  const maxSignatures = opts.maxSignatures ?? 50_000;
  const open = new Map<string, OpenSession>();
  const sigs = new Map<string, SignatureAcc>();
  let dropped = 0;
  let lineNo = 0;
  let latest = -Infinity;

  function close(key: string, s: OpenSession): void {
    const sig = signatureOf(s.counts);
    let acc = sigs.get(sig);
    if (!acc) {
      if (sigs.size >= maxSignatures) {
        dropped++;
        return;
      }
      acc = { counts: s.counts, sessions: 0, examples: [] };
      sigs.set(sig, acc);
    }
    acc.sessions++;
    if (acc.examples.length < 3) acc.examples.push({ key, first: s.first, last: s.last, samples: s.samples });
  }

  // One pass closes idle sessions and, when over capacity, the oldest (Map order) down to 90%:
  // amortised O(1) per line.
  function sweep(): void {
    const target = open.size > maxOpen ? Math.floor(maxOpen * 0.9) : Infinity;
    for (const [key, s] of open) {
      const idleByTime = s.last !== null && latest - s.last > idleMs;
      if (idleByTime || open.size > target) {
        open.delete(key);
        close(key, s);
      }
    }
  }

  return {
    add(key, templateId, sample) {
      lineNo++;
      const ts = sample.timestamp;
      if (ts !== null && ts > latest) latest = ts;
      let s = open.get(key);
      if (!s) {
        s = { counts: new Map(), first: ts, last: ts, samples: [] };
        open.set(key, s);
      }
      s.counts.set(templateId, (s.counts.get(templateId) ?? 0) + 1);
      if (ts !== null) {
        if (s.first === null || ts < s.first) s.first = ts;
        if (s.last === null || ts > s.last) s.last = ts;
      }
      if (s.samples.length < 3) s.samples.push(sample);
      if ((lineNo & 0xffff) === 0 || open.size > maxOpen) sweep();
    },
    finish() {
      for (const [key, s] of open) close(key, s);
      open.clear();
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
