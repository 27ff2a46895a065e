/**
 * The notification ledger (`<runDir>/notifications.json`) stops a second email when a run is
 * re-executed on the same machine (workers there share the output dir). Workers on different
 * machines do not share that file, so this guard mirrors the "already notified" fact in a KV
 * bucket: checked before the email step sends, recorded after it sent.
 *
 * Its window is the ledger's: a worker dying between the server's acceptance and the KV write
 * means the next execution sends again. Webhooks have their own record (guardWebhooks, below).
 */
import type { KV } from '@nats-io/kv';
import type { EmailInput, EmailOutput, WebhookInput, WebhookOutput } from '../contracts.js';
import type { ServiceContext } from '../services/context.js';
import { redactWebhookUrl } from '../services/webhook/redact.js';
import { messageOf } from '../errors.js';

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
      ctx.log.warn('cannot check the NATS notification record; relying on the run directory ledger', { error: messageOf(err) });
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
        ctx.log.warn('could not record the notification on NATS', { error: messageOf(err) });
      }
    }
    return out;
  };
}

/** `<runId>.webhooks` in the same bucket: the webhooks each machine delivered for the run. */
export interface WebhooksRecord {
  readonly runId: string;
  readonly at: string;
  readonly by: string;
  /** Lower-cased webhook name -> delivery id. */
  readonly delivered: Readonly<Record<string, string>>;
}

type WebhookFn = (input: WebhookInput, ctx: ServiceContext) => Promise<WebhookOutput>;

/**
 * The webhooks' counterpart: a webhook the bucket holds as delivered for this run is not posted
 * again from another machine (whose run directory has no webhooks.json); the others go through
 * the real service and those it delivers are added. Same window as the emails'.
 */
export function guardWebhooks(send: WebhookFn, kv: KV, by: string): WebhookFn {
  return async (input, ctx) => {
    const key = `${input.runId}.webhooks`;
    let prior: WebhooksRecord | undefined;
    try {
      const e = await kv.get(key);
      if (e && e.operation === 'PUT') prior = e.json<WebhooksRecord>();
    } catch (err) {
      ctx.log.warn('cannot check the NATS webhook record; relying on the run directory ledger', { error: messageOf(err) });
    }
    const done = prior?.delivered ?? {};
    const rest = input.targets.filter((t) => done[t.name.toLowerCase()] === undefined);
    for (const t of input.targets.filter((x) => !rest.includes(x))) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- prior is set when the webhook is in the delivered record
      ctx.log.info('webhook already delivered for this run; not posting again', { webhook: t.name, by: prior!.by, at: prior!.at });
    }
    const out = rest.length > 0 ? await send({ ...input, targets: rest }, ctx) : { deliveries: [] };
    const newly = out.deliveries.filter((d) => d.status === 'sent' && d.deliveryId !== undefined);
    if (newly.length > 0) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- newly holds only deliveries that succeeded, each with its id
      const delivered = { ...done, ...Object.fromEntries(newly.map((d) => [d.name.toLowerCase(), d.deliveryId!])) };
      const rec: WebhooksRecord = { runId: input.runId, at: new Date().toISOString(), by, delivered };
      await kv.put(key, JSON.stringify(rec)).catch((err: unknown) => ctx.log.warn('could not record the webhooks on NATS', { error: messageOf(err) }));
    }
    // In the configured order, the ones delivered elsewhere as already_sent.
    return {
      deliveries: input.targets.map(
        (t) =>
          out.deliveries.find((d) => d.name === t.name) ?? { name: t.name, format: t.format, url: redactWebhookUrl(t.url), status: 'already_sent' as const, deliveryId: done[t.name.toLowerCase()] },
      ),
    };
  };
}
