/**
 * The one durable pull consumer every worker shares: JetStream hands each request to one worker
 * at a time, and only an ack removes it from the work queue. A worker that stops sending
 * in-progress acks for `ackWait` has its request redelivered to another worker.
 */
import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { NatsNames } from '../bus/nats/names.js';
import { messageOf } from '../errors.js';

export const DEFAULT_ACK_WAIT_MS = 30_000;

export async function ensureWorkerConsumer(jsm: JetStreamManager, names: NatsNames, ackWaitMs: number): Promise<void> {
  const config = {
    durable_name: names.workerConsumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: names.requestSubjects,
    ack_wait: nanos(ackWaitMs),
    // Unlimited redelivery: a request is only ever removed by a worker that finished it.
    max_deliver: -1,
    max_ack_pending: 10_000,
  };
  try {
    const info = await jsm.consumers.info(names.requestStream, names.workerConsumer);
    if (info.config.ack_wait !== config.ack_wait) {
      await jsm.consumers.update(names.requestStream, names.workerConsumer, { ack_wait: config.ack_wait });
    }
  } catch (err) {
    if (!/consumer not found/i.test(messageOf(err))) throw err;
    try {
      await jsm.consumers.add(names.requestStream, config);
    } catch (addErr) {
      // Two workers starting together: the other one created it.
      if (!/already (exists|in use)/i.test(messageOf(addErr))) throw addErr;
    }
  }
}
