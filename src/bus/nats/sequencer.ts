/**
 * Restores each run's seq order on the watching side. The stream is in order almost always, but
 * an event whose publish was lost in a disconnect is sent again after newer ones were stored;
 * a retried publish outside the dedup window would be stored twice. Seq is gap-free per run, so
 * the watcher holds early arrivals, drops repeats, and only skips a gap that never fills.
 */
import type { BusEvent } from '../events.js';

export interface Sequencer {
  /** Returns the events now ready, in order. */
  push(e: BusEvent): BusEvent[];
  /** Events held behind a gap older than `gapTimeoutMs`, released past the gap. */
  expire(now: number): { events: BusEvent[]; skipped: Array<{ runId: string; from: number; to: number }> };
  held(): number;
}

interface RunState {
  next: number;
  pending: Map<number, BusEvent>;
  gapSince?: number;
}

export function createSequencer(opts: { gapTimeoutMs: number; firstSeq?: (runId: string, seq: number) => number; now?: () => number }): Sequencer {
  const runs = new Map<string, RunState>();
  const now = opts.now ?? Date.now;
  const drain = (st: RunState, out: BusEvent[]) => {
    for (let e = st.pending.get(st.next); e; e = st.pending.get(st.next)) {
      st.pending.delete(st.next);
      out.push(e);
      st.next += 1;
    }
    st.gapSince = st.pending.size > 0 ? (st.gapSince ?? now()) : undefined;
  };
  return {
    push(e) {
      let st = runs.get(e.runId);
      if (!st) {
        st = { next: opts.firstSeq ? opts.firstSeq(e.runId, e.seq) : 1, pending: new Map() };
        runs.set(e.runId, st);
      }
      if (e.seq < st.next || st.pending.has(e.seq)) return [];
      st.pending.set(e.seq, e);
      const out: BusEvent[] = [];
      drain(st, out);
      return out;
    },
    expire(t) {
      const events: BusEvent[] = [];
      const skipped: Array<{ runId: string; from: number; to: number }> = [];
      for (const [runId, st] of runs) {
        if (st.gapSince === undefined || t - st.gapSince < opts.gapTimeoutMs) continue;
        const lowest = Math.min(...st.pending.keys());
        skipped.push({ runId, from: st.next, to: lowest - 1 });
        st.next = lowest;
        st.gapSince = undefined;
        drain(st, events);
      }
      return { events, skipped };
    },
    held: () => [...runs.values()].reduce((n, st) => n + st.pending.size, 0),
  };
}
