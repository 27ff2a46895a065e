/**
 * send_notification_emails sends on every channel: the emails and the webhooks, side by side, so
 * a failing webhook never stops an email nor the other way round. The step's name stays the
 * original one; its output is the email output with each webhook's delivery added.
 *
 * One outcome from the two, with the email's rules applied to webhooks:
 * - a temporary failure anywhere (SMTP 4xx or dropped connection; webhook 408/429/5xx or nothing
 *   sent) fails the step as retryable: the step's retry policy runs it again and both ledgers make
 *   the retry send only what is missing (N attempts, at most N POSTs per webhook);
 * - an email failure for good fails the step, as before webhooks existed;
 * - a webhook refused for good (another 4xx, a redirect) is recorded `failed` and the step
 *   completes, as a refused email recipient is, unless no webhook took it at all: then the step
 *   fails (a channel that reaches nobody must show).
 * - a webhook whose delivery is unknown (request out, no answer) completes `unknown`.
 */
import type { EmailInput, EmailOutput, WebhookDelivery, WebhookInput, WebhookOutput, WebhookRoute, WebhookTarget } from '../contracts.js';
import type { WebhookEndpoint } from '../config/webhook-env.js';
import { AbortedError, ErrorCode, PipelineError, throwIfAborted, messageOf } from '../errors.js';
import type { ServiceContext } from './context.js';

export interface NotifyChannels {
  readonly emails: (input: EmailInput, ctx: ServiceContext) => Promise<EmailOutput>;
  readonly webhooks: (input: WebhookInput, ctx: ServiceContext) => Promise<WebhookOutput>;
  /** The URL and secret of a webhook (the composition root reads them from the environment). */
  readonly endpoint: (route: WebhookRoute) => WebhookEndpoint;
}

function summaryError(failed: readonly WebhookDelivery[], retryable: boolean, delivered: number): PipelineError {
  const list = failed.map((d) => d.error ?? `webhook ${d.name}: failed`).join('; ');
  const message = retryable
    ? `${failed.length} webhook(s) failed temporarily (${list}); ${delivered} delivered are recorded and will not be posted again`
    : `no webhook accepted the notification: ${list}`;
  return new PipelineError(ErrorCode.WEBHOOK, message, { retryable, details: { webhooks: failed.map((d) => d.name) } });
}

async function runWebhooks(input: EmailInput, channels: NotifyChannels, ctx: ServiceContext): Promise<WebhookDelivery[]> {
  const routes = input.analysis.webhooks ?? [];
  if (!input.analysis.shouldNotify || routes.length === 0) return [];
  const targets: WebhookTarget[] = [];
  const unusable: WebhookDelivery[] = [];
  for (const route of routes) {
    try {
      targets.push({ ...route, ...channels.endpoint(route) });
    } catch (err) {
      // Checked when the config was loaded; still possible on a resume in another environment.
      ctx.log.warn('webhook not posted: its configuration is unusable', { webhook: route.name, error: messageOf(err) });
      unusable.push({ name: route.name, format: route.format, url: '<not set>', status: 'failed', error: messageOf(err), retryable: false });
    }
  }
  const out = await channels.webhooks(
    { runDir: input.runDir, runId: input.runId, analysis: input.analysis, targets, ...(input.reportUri !== undefined ? { reportUri: input.reportUri } : {}), ...(input.resendUnknown ? { resendUnknown: true } : {}) },
    ctx,
  );
  return [...out.deliveries, ...unusable];
}

export async function sendNotifications(input: EmailInput, ctx: ServiceContext, channels: NotifyChannels): Promise<EmailOutput> {
  throwIfAborted(ctx.signal, 'send_notification_emails');
  const [email, hooks] = await Promise.allSettled([channels.emails(input, ctx), runWebhooks(input, channels, ctx)]);
  if (ctx.signal.aborted) throw new AbortedError('sending notifications aborted', { cause: ctx.signal.reason });
  // A webhook ledger that cannot be read or written is a local failure: as the email's, it fails the step.
  if (hooks.status === 'rejected') throw hooks.reason;
  const deliveries = hooks.value;
  for (const d of deliveries.filter((x) => x.status === 'failed')) ctx.log.warn('webhook not delivered', { webhook: d.name, url: d.url, error: d.error, retryable: d.retryable });
  const temporary = deliveries.filter((d) => d.status === 'failed' && d.retryable);
  const delivered = deliveries.filter((d) => d.status === 'sent' || d.status === 'already_sent').length;
  // Anything temporary makes the step retry (both ledgers keep the retry from repeating a delivery).
  if (email.status === 'rejected' && (email.reason as PipelineError).retryable) throw email.reason;
  if (temporary.length > 0) {
    if (email.status === 'rejected') ctx.log.warn('emails failed; retrying with the webhooks', { error: messageOf(email.reason) });
    throw summaryError(temporary, true, delivered);
  }
  if (email.status === 'rejected') throw email.reason;
  if (deliveries.length > 0 && deliveries.every((d) => d.status === 'failed')) throw summaryError(deliveries, false, 0);
  const out = email.value;
  if (deliveries.length === 0) return out;
  // Webhooks alone (no email recipient matched): the notification's status is theirs.
  const status = out.status === 'not_needed' ? (deliveries.every((d) => d.status === 'already_sent') ? 'already_sent' : 'sent') : out.status;
  return { ...out, status, webhooks: deliveries };
}
