/**
 * The at-least-once sender behind attachNatsPublisher, made exactly-once by JetStream's
 * message-id dedup: events queue in seq order, go out in pipelined windows, and whatever fails
 * (NATS down, timeout) stays queued and is sent again, with the same `<runId>-<seq>` id, once the
 * server answers. `push` never blocks and never throws: NATS cannot slow down or stop a run.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { BusEvent } from '../events.js';
import { eventMsgId, eventSubject, type NatsNames } from './names.js';
import { foldRunRecord, type RunRecord } from './run-record.js';

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
  /** Resolves when everything pushed so far is stored, or false after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  stop(): void;
  stats(): { published: number; duplicates: number; pending: number; retries: number };
}

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Outgoing {
  readonly event: BusEvent;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
}

export function createEventPublisher(opts: EventPublisherOptions): EventPublisher {
  const window = opts.window ?? 128;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
  const offset = opts.seqOffset ?? 0;
  let queue: Outgoing[] = [];
  let record = opts.record;
  let recordDirty = false;
  let running = false;
  let stopped = false;
  let failing = false;
  let published = 0;
  let duplicates = 0;
  let retries = 0;
  let idle: Array<() => void> = [];

  const wakeIdle = () => {
    const waiters = idle;
    idle = [];
    for (const w of waiters) w();
  };

  async function putRecord(): Promise<boolean> {
    if (!opts.kv || !record || !recordDirty) return true;
    const snapshot = record;
    try {
      await opts.kv.put(snapshot.runId, JSON.stringify(snapshot));
      if (record === snapshot) recordDirty = false;
      return true;
    } catch {
      return false;
    }
  }

  async function loop(): Promise<void> {
    let backoff = 100;
    while (!stopped && (queue.length > 0 || recordDirty)) {
      const batch = queue.slice(0, window);
      const results = await Promise.allSettled(
        batch.map((o) => opts.js.publish(o.subject, o.data, { msgID: o.msgId, timeout: ackTimeoutMs })),
      );
      const failed: Outgoing[] = [];
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          failed.push(batch[i]);
          return;
        }
        published += 1;
        if (r.value.duplicate) duplicates += 1;
        const before = record;
        record = foldRunRecord(record, batch[i].event, opts.by);
        if (record !== before) recordDirty = true;
      });
      // Keep seq order: the failed ones go back to the head, ahead of anything newer.
      queue = [...failed, ...queue.slice(batch.length)];
      const recordOk = failed.length === 0 ? await putRecord() : true;
      if (failed.length > 0 || !recordOk) {
        retries += failed.length;
        if (!failing) {
          failing = true;
          const why = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as Error | undefined;
          opts.log('warn', `NATS publish failing (${why?.message ?? 'KV update failed'}); buffering ${queue.length} event(s), the run goes on`);
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
        continue;
      }
      if (failing) {
        failing = false;
        opts.log('info', 'NATS publishing resumed; buffered events delivered');
      }
      backoff = 100;
    }
    running = false;
    if (queue.length === 0 && !recordDirty) wakeIdle();
  }

  const kick = () => {
    if (running || stopped) return;
    running = true;
    void loop();
  };

  return {
    push(e) {
      const event = offset ? ({ ...e, seq: e.seq + offset } as BusEvent) : e;
      queue.push({ event, subject: eventSubject(opts.names, event), data: encoder.encode(JSON.stringify(event)), msgId: eventMsgId(event) });
      kick();
    },
    async flush(timeoutMs) {
      if (queue.length === 0 && !recordDirty && !running) return true;
      kick();
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise<boolean>((r) => idle.push(() => r(true)));
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
      const ok = await Promise.race([done, late]);
      clearTimeout(timer);
      return ok;
    },
    stop() {
      stopped = true;
      wakeIdle();
    },
    stats: () => ({ published, duplicates, pending: queue.length, retries }),
  };
}
