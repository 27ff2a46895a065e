/**
 * A run's history from JetStream, then its live events, as the same Observable<BusEvent> a local
 * bus gives: the CLI lines, NDJSON and the TUI cannot tell a remote run from a local one.
 * A stream cursor (stream-cursor.ts) reads it: each stored event once, in order, across server restarts.
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Observable } from 'rxjs';
import { isFinalRunEvent, type BusEvent, type RunParams } from '../events.js';
import { runEventsFilter, type NatsNames } from './names.js';
import { lastStoredEvent } from './history.js';
import { crashedEvent, type LivenessProbe } from './run-liveness.js';
import { createSequencer } from './sequencer.js';
import { openStreamCursor } from './stream-cursor.js';
import { ensureEventStream, type StreamLimits } from './setup.js';

export interface FollowOptions {
  readonly names: NatsNames;
  /** One run, replayed from its first event. Absent: see `all`. */
  readonly runId?: string;
  /** Every run from now on, never completing. Without runId and all: the next run that starts. */
  readonly all?: boolean;
  readonly limits?: StreamLimits;
  /** How long a seq gap may stay open before the events behind it are released (default 10 s). */
  readonly gapTimeoutMs?: number;
  readonly onWarning?: (msg: string) => void;
  /**
   * Asked while the followed run has not ended: a run whose execution it finds dead (its lease
   * expired, nobody took it over) ends with a `run crashed` event instead of a wait forever.
   */
  readonly liveness?: LivenessProbe;
  /** How often `liveness` is asked (default 1 s). */
  readonly livenessEveryMs?: number;
}

/**
 * Completes after the followed run's final event (unless `all`). Unsubscribing stops the consumer.
 */
export function followRunEvents(nc: NatsConnection, opts: FollowOptions): Observable<BusEvent> {
  return new Observable<BusEvent>((subscriber) => {
    let stop: (() => Promise<unknown>) | undefined;
    let closed = false;
    let target = opts.runId;
    const continueAfter = new Set<number>();
    let jsm: JetStreamManager | undefined;
    // The followed run as printed so far: its last seq, and the params of its latest start.
    let lastSeq = 0;
    let params: RunParams | undefined;
    const seq = createSequencer({
      gapTimeoutMs: opts.gapTimeoutMs ?? 10_000,
      // One run: from its first event. Live followers start wherever they joined.
      firstSeq: (_runId, s) => (opts.runId !== undefined ? 1 : s),
    });
    const emit = (events: BusEvent[]) => {
      for (const e of events) {
        if (closed) return;
        if (e.runId === target) {
          lastSeq = e.seq;
          if (e.type === 'run' && e.status === 'started') params = e.params;
        }
        subscriber.next(e);
        if (!opts.all && isFinalRunEvent(e) && e.runId === target && !continueAfter.has(e.seq)) {
          closed = true;
          subscriber.complete();
          void stop?.();
          return;
        }
      }
    };
    const gapTimer = setInterval(() => {
      const { events, skipped } = seq.expire(Date.now());
      for (const s of skipped) opts.onWarning?.(`run ${s.runId}: events ${s.from}..${s.to} never arrived; continuing without them`);
      emit(events);
    }, 1000);
    gapTimer.unref();
    let probing = false;
    const probe = async () => {
      if (probing || closed || !opts.liveness || target === undefined || params === undefined || !jsm) return;
      probing = true;
      try {
        const dead = await opts.liveness.deadExecution(target);
        if (!dead || closed) return;
        // Still catching up on stored history (or holding events behind a gap): the run's own end may be in it.
        const stored = await lastStoredEvent(jsm, opts.names, target);
        if ((stored && stored.seq > lastSeq) || seq.held() > 0 || closed) return;
        emit([crashedEvent(target, lastSeq, params, dead)]);
      } catch {
        // NATS away for a moment: ask again at the next tick.
      } finally {
        probing = false;
      }
    };
    const livenessTimer = opts.liveness && !opts.all ? setInterval(() => void probe(), opts.livenessEveryMs ?? 1000) : undefined;
    livenessTimer?.unref();

    (async () => {
      jsm = await jetstreamManager(nc);
      // Joining before anything was ever published must work: make sure the stream exists.
      await ensureEventStream(jsm, opts.names, opts.limits);
      // One run: its whole history. Live followers: what is stored after they joined.
      const fromSeq = opts.runId !== undefined ? 1 : (await jsm.streams.info(opts.names.eventStream)).state.last_seq + 1;
      if (closed) return;
      const cursor = openStreamCursor(nc, { stream: opts.names.eventStream, filter: runEventsFilter(opts.names, opts.runId), fromSeq, onWarning: opts.onWarning });
      stop = () => {
        cursor.close();
        return Promise.resolve();
      };
      if (closed) { cursor.close(); return; }
      for await (const m of cursor) {
        let e: BusEvent;
        try {
          e = m.json<BusEvent>();
        } catch {
          opts.onWarning?.(`skipping an unreadable message on ${m.subject}`);
          continue;
        }
        // Following "the next run": the first run that starts after we joined.
        if (target === undefined && !opts.all) {
          if (e.type === 'run' && e.status === 'started') target = e.runId;
          else continue;
        }
        if (!opts.all && e.runId !== target) continue;
        // A final event with more of the run's history stored after it (a later re-execution of
        // the same run id) is not the end of a replay.
        if (opts.runId !== undefined && isFinalRunEvent(e)) {
          const last = await lastStoredEvent(jsm, opts.names, opts.runId).catch(() => undefined);
          if (last && last.seq > e.seq) continueAfter.add(e.seq);
        }
        emit(seq.push(e));
        if (closed) break;
      }
    })().catch((err: unknown) => {
      if (!closed) subscriber.error(err);
    });

    return () => {
      closed = true;
      clearInterval(gapTimer);
      clearInterval(livenessTimer);
      void stop?.();
    };
  });
}
