/**
 * The webhook channel of send_notification_emails: one POST per configured webhook per attempt,
 * generic JSON signed with HMAC-SHA256, or a Slack incoming-webhook message.
 *
 * At most one delivery per webhook per run, with the email's ledger rules (its own file,
 * `<runDir>/webhooks.json`): the entry is written `sending` durably once the connection is up and
 * before a byte of the request goes out (webhook/post.ts), `sent` after a 2xx. A webhook the ledger
 * holds as sent is not posted again by a retry, a resume or a re-execution. One left `sending` (the
 * process died, or the request went out and no answer came) is `unknown`: not posted again unless
 * `resendUnknown`, and then with the same delivery id, which receivers use to deduplicate.
 *
 * Outcomes per webhook, never thrown (the step weighs them with the emails'): `sent`,
 * `already_sent`, `unknown`, or `failed` with `retryable` (429, 408, 5xx, nothing sent) or not
 * (any other answer: the receiver refused it).
 */
import { createHash } from 'node:crypto';
import type { WebhookDelivery, WebhookInput, WebhookOutput, WebhookTarget } from '../contracts.js';
import { throwIfAborted, messageOf } from '../errors.js';
import type { ServiceContext } from './context.js';
import { deliveryOf, openLedger, type Ledger } from './email/ledger.js';
import { jsonPayload, WEBHOOK_EVENT } from './webhook/payload-json.js';
import { slackPayload } from './webhook/payload-slack.js';
import { postWebhook, WebhookError } from './webhook/post.js';
import { redactWebhookUrl } from './webhook/redact.js';
import { signWebhook, WebhookHeader } from './webhook/sign.js';

export const WEBHOOK_LEDGER_FILE = 'webhooks.json';
const USER_AGENT = 'log-anomaly-pipeline-webhook/1';

/**
 * Deterministic from the run, the webhook and what it is told: the same delivery composed again
 * (a retry, a resume) has the same id; a resend of an unknown delivery reuses the ledger's.
 */
export function deliveryIdFor(runId: string, name: string, content: string): string {
  const h = createHash('sha256').update(`${runId}\0${name.toLowerCase()}\0${content}`).digest('hex').slice(0, 24);
  return `${runId}.${h}`;
}

function compose(input: WebhookInput, t: WebhookTarget, id: string | undefined): { id: string; body: string } {
  const content = JSON.stringify({ incidents: t.incidents, total: t.total, reportUri: input.reportUri ?? null, format: t.format });
  const deliveryId = id ?? deliveryIdFor(input.runId, t.name, content);
  const common = { runId: input.runId, reportUri: input.reportUri, analysis: input.analysis, incidents: t.incidents, total: t.total };
  const body = t.format === 'slack' ? slackPayload(common) : jsonPayload({ ...common, id: deliveryId, webhook: t.name });
  return { id: deliveryId, body };
}

function headersFor(t: WebhookTarget, id: string, body: string): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': USER_AGENT,
    [WebhookHeader.delivery]: id,
    [WebhookHeader.event]: WEBHOOK_EVENT,
  };
  if (t.secret !== undefined) {
    // Signed at send time: a resend carries a fresh timestamp (receivers check its age).
    const ts = Math.floor(Date.now() / 1000);
    h[WebhookHeader.timestamp] = String(ts);
    h[WebhookHeader.signature] = signWebhook(t.secret, ts, body);
  }
  return h;
}

async function deliver(input: WebhookInput, t: WebhookTarget, ledger: Ledger, ctx: ServiceContext): Promise<WebhookDelivery> {
  const key = t.name.toLowerCase();
  const url = redactWebhookUrl(t.url);
  const base = { name: t.name, format: t.format, url };
  const earlier = ledger.entry(key);
  const state = deliveryOf(earlier);
  if (state === 'sent') {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a state other than 'new' comes from an earlier ledger entry
    ctx.log.info('webhook already delivered for this run: not posted again', { webhook: t.name, deliveryId: earlier!.messageId });
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a state other than 'new' comes from an earlier ledger entry
    return { ...base, status: 'already_sent', deliveryId: earlier!.messageId };
  }
  if (state === 'unknown' && input.resendUnknown !== true) {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a state other than 'new' comes from an earlier ledger entry
    ctx.log.warn('webhook delivery unknown: not posted again (rerun with --resend-unknown to post it)', { webhook: t.name, deliveryId: earlier!.messageId });
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a state other than 'new' comes from an earlier ledger entry
    return { ...base, status: 'unknown', deliveryId: earlier!.messageId };
  }
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a state other than 'new' comes from an earlier ledger entry
  if (state === 'unknown') ctx.log.warn('webhook delivery unknown: posting again with the same delivery id (resendUnknown)', { webhook: t.name, deliveryId: earlier!.messageId });
  const { id, body } = compose(input, t, earlier?.messageId);
  const entry = { messageId: id, at: new Date().toISOString(), mode: 'webhook' as const };
  try {
    const answer = await postWebhook(t.url, body, headersFor(t, id, body), {
      timeoutMs: t.timeoutMs,
      signal: ctx.signal,
      label: `${t.name} (${url})`,
      beforeSend: () => ledger.recordSending(key, entry),
    });
    await ledger.recordSent(key, { ...entry, at: new Date().toISOString() });
    ctx.log.info('webhook delivered', { webhook: t.name, format: t.format, url, status: answer.status, deliveryId: id });
    return { ...base, status: 'sent', deliveryId: id, httpStatus: answer.status };
  } catch (err) {
    const e = err instanceof WebhookError ? err : new WebhookError(`webhook ${t.name} (${url}): ${messageOf(err)}`, { phase: 'before_send', retryable: false, cause: err });
    if (e.phase === 'no_answer') {
      ctx.log.warn('webhook delivery unknown: the request went out and no answer came; not posted again unless --resend-unknown', { webhook: t.name, deliveryId: id, error: e.message });
      return { ...base, status: 'unknown', deliveryId: id, error: e.message };
    }
    // Nothing was delivered by this post. An entry an earlier process left unknown stays unknown:
    // that earlier request may still have arrived.
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a state other than 'new' comes from an earlier ledger entry
    if (state === 'unknown') await ledger.recordSending(key, earlier!);
    else await ledger.clearSending(key);
    ctx.log.warn(e.retryable ? 'webhook failed temporarily: the step retries it' : 'webhook refused the notification', { webhook: t.name, url, error: e.message });
    return { ...base, status: 'failed', deliveryId: id, error: e.message, retryable: e.retryable, ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}) };
  }
}

export async function sendWebhooks(input: WebhookInput, ctx: ServiceContext): Promise<WebhookOutput> {
  throwIfAborted(ctx.signal, 'send_notification_emails');
  if (input.targets.length === 0) return { deliveries: [] };
  const ledger = await openLedger(input.runDir, input.runId, WEBHOOK_LEDGER_FILE);
  // Concurrently: one slow receiver must not hold the others (the ledger serialises its writes).
  const deliveries = await Promise.all(input.targets.map((t) => deliver(input, t, ledger, ctx)));
  throwIfAborted(ctx.signal, 'send_notification_emails');
  return { deliveries };
}
