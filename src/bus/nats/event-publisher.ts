/**
 * The at-least-once sender behind attachNatsPublisher, made exactly-once by JetStream's
 * message-id dedup: events queue in seq order and go out through a sliding window of publishes
 * in flight; when one fails (NATS down, ack timeout) sending pauses until everything in flight
 * has settled, then whatever is not acked is sent again, in seq order and with the same
 * `<runId>-<seq>` id, after a backoff. `push` never blocks and never throws: NATS cannot slow down
 * or stop a run.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { BusEvent } from '../events.js';
import { eventMsgId, eventSubject, type NatsNames } from './names.js';
import { foldRunRecord, type RunRecord } from './run-record.js';
import { messageOf } from '../../errors.js';

export interface EventPublisherOptions {
  readonly js: JetStreamClient;
  readonly kv?: KV;
  readonly names: NatsNames;
  /** Added to every event's seq: a re-executed run continues its sequence in the stream. */
  readonly seqOffset?: number;
  readonly record?: RunRecord;
  /** Who publishes (worker name), kept in the run record. */
  readonly by?: string;
  readonly log: (level: 'info' | 'warn', msg: string) => void;
  /** Publishes in flight at once. */
  readonly window?: number;
  readonly ackTimeoutMs?: number;
}

export interface EventPublisher {
  push(e: BusEvent): void;
  /** Resolves true when everything pushed so far is stored, or false after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  stop(): void;
  stats(): { published: number; duplicates: number; pending: number; retries: number };
}

const encoder = new TextEncoder();

interface Slot {
  readonly event: BusEvent;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
  state: 'queued' | 'sent' | 'acked' | 'failed';
}

export function createEventPublisher(opts: EventPublisherOptions): EventPublisher {
  const window = opts.window ?? 128;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
  const offset = opts.seqOffset ?? 0;
  // slots[head..] are not yet folded into the record (unacked, or acked behind an unacked one).
  let slots: Slot[] = [];
  let head = 0;
  let cursor = 0; // next slot to consider sending
  let inflight = 0;
  let failing = false;
  let paused = false; // waiting out a backoff after a failure
  let announced = false;
  let backoff = 100;
  let record = opts.record;
  let recordDirty = false;
  let putting = false;
  let stopped = false;
  let published = 0;
  let duplicates = 0;
  let retries = 0;
  let idle: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;

  const pending = () => slots.length - head;
  const isIdle = () => pending() === 0 && !recordDirty && !putting;
  const wakeIdle = () => {
    const waiters = idle;
    idle = [];
    for (const w of waiters) w();
  };

  function retryLater(): void {
    paused = true;
    timer = setTimeout(() => {
      paused = false;
      cursor = head;
      settle();
    }, backoff);
    backoff = Math.min(backoff * 2, 2000);
  }

  function putRecord(): void {
    if (!opts.kv || !record || !recordDirty || putting || stopped) return;
    const snapshot = record;
    putting = true;
    opts.kv.put(snapshot.runId, JSON.stringify(snapshot)).then(
      () => {
        putting = false;
        if (record === snapshot) recordDirty = false;
        settle();
      },
      () => {
        putting = false;
        if (!paused) retryLater();
      },
    );
  }

  function send(s: Slot): void {
    s.state = 'sent';
    inflight += 1;
    opts.js.publish(s.subject, s.data, { msgID: s.msgId, timeout: ackTimeoutMs }).then(
      (ack) => {
        s.state = 'acked';
        published += 1;
        if (ack.duplicate) duplicates += 1;
        inflight -= 1;
        settle();
      },
      (err: unknown) => {
        s.state = 'failed';
        inflight -= 1;
        if (!failing) {
          failing = true;
          if (!announced) {
            announced = true;
            opts.log('warn', `NATS publish failing (${messageOf(err)}); buffering events, the run goes on`);
          }
        }
        settle();
      },
    );
  }

  function settle(): void {
    if (stopped) return;
    // Fold acked events into the run record strictly in seq order.
    while (head < slots.length && slots[head].state === 'acked') {
      const before = record;
      record = foldRunRecord(record, slots[head].event, opts.by);
      if (record !== before) recordDirty = true;
      head += 1;
    }
    if (head > 1024 && head * 2 > slots.length) {
      slots = slots.slice(head);
      cursor -= head;
      head = 0;
    }
    if (failing) {
      if (inflight > 0 || paused) return;
      // Everything in flight has settled: resend what is not stored, from the oldest, later.
      failing = false;
      retries += slots.slice(head).filter((s) => s.state === 'failed').length;
      for (let i = head; i < slots.length; i++) if (slots[i].state !== 'acked') slots[i].state = 'queued';
      retryLater();
      return;
    }
    if (paused) return;
    if (cursor < head) cursor = head;
    while (inflight < window && cursor < slots.length) {
      const s = slots[cursor++];
      if (s.state === 'queued') send(s);
    }
    if (inflight === 0 && pending() === 0) {
      if (announced) {
        announced = false;
        opts.log('info', 'NATS publishing resumed; buffered events delivered');
      }
      backoff = 100;
    }
    putRecord();
    if (isIdle()) wakeIdle();
  }

  return {
    push(e) {
      if (stopped) return;
      const event = offset ? ({ ...e, seq: e.seq + offset } as BusEvent) : e;
      slots.push({ event, subject: eventSubject(opts.names, event), data: encoder.encode(JSON.stringify(event)), msgId: eventMsgId(event), state: 'queued' });
      if (!failing && !paused && inflight < window) settle();
    },
    async flush(timeoutMs) {
      if (isIdle()) return true;
      let t: NodeJS.Timeout | undefined;
      const done = new Promise<boolean>((r) => idle.push(() => r(true)));
      const late = new Promise<boolean>((r) => (t = setTimeout(() => r(false), timeoutMs)));
      const ok = await Promise.race([done, late]);
      clearTimeout(t);
      return ok;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      wakeIdle();
    },
    stats: () => ({ published, duplicates, pending: pending(), retries }),
  };
}
