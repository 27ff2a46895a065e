/**
 * Reads a stream from a given sequence, each message once and in stream order, across NATS server
 * restarts. The client's ordered consumer recovers from a restart only after two missed idle
 * heartbeats (30 s by default) and, if it had seen nothing yet, from the stream's first message;
 * so the position is ours: the last stream sequence handed on. When the connection comes back, the
 * server loses the consumer, or heartbeats stop, a new ordered consumer starts at last + 1, and a
 * message at or below last (one already queued by the consumer being replaced) is dropped.
 */
import { DeliverPolicy, jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { messageOf } from '../../errors.js';

export interface StreamCursorOptions {
  readonly stream: string;
  readonly filter: string;
  /** The first stream sequence wanted (1: the whole stream). */
  readonly fromSeq: number;
  /** Pull expiry; idle heartbeats come every half of it (default 10 s). */
  readonly expiresMs?: number;
  readonly onWarning?: (msg: string) => void;
}

export interface StreamCursor extends AsyncIterable<JsMsg> {
  /** The last stream sequence handed on (fromSeq - 1 before the first). */
  lastSeq(): number;
  /** Ends the iteration; idempotent. */
  close(): void;
}

/** Signals that the current consumer can no longer be trusted to deliver what follows `last`. */
const LOST = new Set(['consumer_deleted', 'consumer_not_found', 'stream_not_found', 'heartbeats_missed']);

export function openStreamCursor(nc: NatsConnection, opts: StreamCursorOptions): StreamCursor {
  let last = opts.fromSeq - 1;
  let closed = false;
  let current: ConsumerMessages | undefined;
  let wake: (() => void) | undefined;
  const replace = () => {
    void current?.close();
    wake?.();
  };
  // A reconnect means a restarted or different server: the consumer may be gone or behind.
  const status = nc.status();
  void (async () => {
    for await (const s of status) if (s.type === 'reconnect') replace();
  })().catch(() => undefined);

  async function* messages(): AsyncGenerator<JsMsg> {
    const js = jetstream(nc);
    let failures = 0;
    while (!closed && !nc.isClosed()) {
      let consumer: Awaited<ReturnType<typeof js.consumers.get>>;
      let msgs: ConsumerMessages;
      try {
        consumer = await js.consumers.get(opts.stream, {
          filter_subjects: opts.filter,
          ...(last < 1 ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: last + 1 }),
        });
        msgs = await consumer.consume({ max_messages: 256, expires: opts.expiresMs ?? 10_000 });
      } catch (err) {
        if (closed || nc.isClosed()) return;
        // JetStream answers a little after the server accepts connections again: retry, backing off.
        failures += 1;
        if (failures === 1) opts.onWarning?.(`cannot read ${opts.stream} (${messageOf(err)}); retrying`);
        await pause(Math.min(250 * 2 ** (failures - 1), 5000), (w) => (wake = w));
        continue;
      }
      failures = 0;
      current = msgs;
      if (closed) break;
      void (async () => {
        for await (const s of msgs.status()) if (LOST.has(s.type)) void msgs.close();
      })().catch(() => undefined);
      try {
        for await (const m of msgs) {
          if (m.seq <= last) continue;
          last = m.seq;
          yield m;
          if (closed) break;
        }
      } catch (err) {
        if (!closed) opts.onWarning?.(`reading ${opts.stream} stopped (${messageOf(err)}); resuming after stream seq ${last}`);
      } finally {
        void msgs.close();
        // The replaced consumer would linger on the server until its inactivity threshold.
        consumer.delete().catch(() => undefined);
      }
    }
  }

  const it = messages();
  return {
    [Symbol.asyncIterator]: () => it,
    lastSeq: () => last,
    close() {
      if (closed) return;
      closed = true;
      replace();
      // The client's status iterator (a QueuedIterator) only ends when stopped or the connection closes.
      (status as { stop?: () => void }).stop?.();
    },
  };
}

/** Waits `ms`, or less when `onWake` is called (a reconnect: try again now). */
function pause(ms: number, register: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    register(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
