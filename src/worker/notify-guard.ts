/**
 * The notification ledger (`<runDir>/notifications.json`) stops a second email when a run is
 * re-executed on the same machine (workers there share the output dir). Workers on different
 * machines do not share that file, so this guard mirrors the "already notified" fact in a KV
 * bucket: checked before the email step sends, recorded after it sent.
 *
 * Its window is the ledger's: a worker dying between the server's acceptance and the KV write
 * means the next execution sends again.
 */
import type { KV } from '@nats-io/kv';
import type { EmailInput, EmailOutput } from '../contracts.js';
import type { ServiceContext } from '../services/context.js';

export interface NotifiedRecord {
  readonly runId: string;
  readonly at: string;
  readonly by: string;
  readonly recipients: number;
  readonly messageIds: readonly string[];
}

type SendFn = (input: EmailInput, ctx: ServiceContext) => Promise<EmailOutput>;

export function guardNotifications(send: SendFn, kv: KV, by: string): SendFn {
  return async (input, ctx) => {
    let prior: NotifiedRecord | undefined;
    try {
      const e = await kv.get(input.runId);
      if (e && e.operation === 'PUT') prior = e.json<NotifiedRecord>();
    } catch (err) {
      ctx.log.warn('cannot check the NATS notification record; relying on the run directory ledger', { error: (err as Error).message });
    }
    if (prior) {
      ctx.log.info('notification already sent for this run; not sending again', { by: prior.by, at: prior.at });
      return { status: 'already_sent', recipients: prior.recipients, messageIds: prior.messageIds };
    }
    const out = await send(input, ctx);
    if (out.status === 'sent') {
      const rec: NotifiedRecord = { runId: input.runId, at: new Date().toISOString(), by, recipients: out.recipients, messageIds: out.messageIds };
      try {
        await kv.put(input.runId, JSON.stringify(rec));
      } catch (err) {
        ctx.log.warn('could not record the notification on NATS', { error: (err as Error).message });
      }
    }
    return out;
  };
}
