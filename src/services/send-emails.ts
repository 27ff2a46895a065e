/**
 * send_notification_emails: one message per recipient (as alerting tools do, so one bad address
 * neither blocks nor reveals the others), over pooled, rate-limited SMTP, or as .eml previews
 * through nodemailer's stream transport when no SMTP server is configured.
 *
 * At most once per run: every accepted message is recorded in `<runDir>/notifications.json`
 * before the next result is looked at, and a retry or re-execution sends only to recipients the
 * ledger does not hold. Outcomes: a 5xx for one recipient is recorded and reported while the
 * others still get theirs; a transient failure (4xx, dropped connection, timeout) fails the step
 * as retryable, and the retry sends only what is missing.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmailInput, EmailOutput } from '../contracts.js';
import type { ServiceContext } from './context.js';
import { PipelineError, throwIfAborted } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { composeEmail, messageIdFor, type ComposedEmail } from './email/compose.js';
import { SmtpError, toSmtpError } from './email/errors.js';
import { openLedger, type DeliveryMode, type Ledger } from './email/ledger.js';
import { createPreviewMailer, createSmtpMailer, PREVIEW_FROM } from './email/transport.js';

interface Outbound {
  readonly recipient: string;
  /** 1-based position in the configured list: stable across retries, names the preview file. */
  readonly n: number;
}

interface Delivery {
  readonly messageId: string;
  readonly file?: string;
  readonly response?: string;
}

type Deliver = (o: Outbound) => Promise<Delivery>;

/** Trimmed, deduplicated case-insensitively (the ledger's key), order kept. */
export function normalizeRecipients(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    const r = raw.trim();
    if (r === '' || seen.has(r.toLowerCase())) continue;
    seen.add(r.toLowerCase());
    out.push(r);
  }
  return out;
}

function safeFilePart(recipient: string): string {
  return recipient.replace(/[^A-Za-z0-9@._+-]/g, '_').slice(0, 100);
}

export async function sendNotificationEmails(input: EmailInput, ctx: ServiceContext): Promise<EmailOutput> {
  const { signal, log } = ctx;
  throwIfAborted(signal, 'send_notification_emails');
  const recipients = normalizeRecipients(input.analysis.recipients);
  if (!input.analysis.shouldNotify || recipients.length === 0) {
    log.info('no notification needed', { reason: input.analysis.notifyReason });
    return { status: 'not_needed', recipients: 0, messageIds: [] };
  }
  const mode: DeliveryMode = input.smtp ? 'smtp' : 'preview';
  const ledger = await openLedger(input.runDir, input.runId);
  const key = (r: string) => r.toLowerCase();
  // A preview is no send: a later run with SMTP configured still sends. A real send covers a preview.
  const done = (r: string) => {
    const e = ledger.entry(key(r));
    return e !== undefined && (e.mode === 'smtp' || mode === 'preview');
  };
  const all = recipients.map((recipient, i) => ({ recipient, n: i + 1 }));
  const pending = all.filter((o) => !done(o.recipient) && !(mode === 'smtp' && ledger.rejected(key(o.recipient))));
  const skipped = all.length - pending.length;
  if (pending.length === 0) {
    const messageIds = recipients.flatMap((r) => ledger.entry(key(r))?.messageId ?? []);
    log.info('notification already sent for this run: nothing to do', { recipients: messageIds.length, ledger: ledger.file });
    return { status: mode === 'smtp' ? 'already_sent' : 'previewed', recipients: messageIds.length, messageIds };
  }
  if (skipped > 0) log.info('some recipients were already notified in an earlier attempt', { skipped, pending: pending.length });

  // Each recipient's own incidents (routing), composed once per recipient.
  const mail = (recipient: string) => composeEmail(input, recipient);
  const results = input.smtp ? await sendSmtp(input, mail, pending, ledger, ctx) : await writePreviews(input, mail, pending, ledger, ctx);
  throwIfAborted(signal, 'send_notification_emails');
  return summarize(mode, recipients, results, ledger, ctx);
}

type Result = { readonly o: Outbound; readonly error?: PipelineError };

async function deliverAll(pending: readonly Outbound[], deliver: Deliver, ledger: Ledger, mode: DeliveryMode, ctx: ServiceContext, concurrent: boolean): Promise<Result[]> {
  let count = 0;
  const one = async (o: Outbound): Promise<Result> => {
    try {
      const d = await deliver(o);
      await ledger.recordSent(o.recipient.toLowerCase(), { messageId: d.messageId, at: new Date().toISOString(), mode, ...(d.file ? { file: d.file } : {}) });
      ctx.log.info(mode === 'smtp' ? 'notification sent' : 'notification previewed', { recipient: o.recipient, messageId: d.messageId, ...(d.file ? { file: d.file } : {}), ...(d.response ? { response: d.response } : {}) });
      ctx.progress({ unit: 'emails', current: ++count, total: pending.length, label: o.recipient });
      return { o };
    } catch (err) {
      return { o, error: toSmtpError(err, o.recipient) };
    }
  };
  if (concurrent) return Promise.all(pending.map(one));
  const out: Result[] = [];
  for (const o of pending) {
    if (ctx.signal.aborted) break;
    out.push(await one(o));
  }
  return out;
}

async function sendSmtp(input: EmailInput, mailFor: (recipient: string) => ComposedEmail, pending: readonly Outbound[], ledger: Ledger, ctx: ServiceContext): Promise<Result[]> {
  const smtp = input.smtp!;
  const mailer = createSmtpMailer(smtp);
  // Abort: queued messages fail through their own signal; force-close what is mid-delivery.
  const onAbort = () => mailer.close({ force: true });
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  ctx.log.info('sending notifications', { host: smtp.host, port: smtp.port, recipients: pending.length, pool: smtp.pool, rateLimit: smtp.rateLimit, rateDeltaMs: smtp.rateDeltaMs });
  try {
    const deliver: Deliver = async ({ recipient }) => {
      const mail = mailFor(recipient);
      const info = await mailer.sendMail({
        from: smtp.from,
        to: recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: messageIdFor(input.runId, recipient.toLowerCase(), smtp.from),
        headers: { 'X-Log-Anomaly-Run': input.runId },
        signal: ctx.signal,
      });
      return { messageId: info.messageId, response: info.response };
    };
    // The pool queues everything and applies maxConnections and rateLimit itself.
    return await deliverAll(pending, deliver, ledger, 'smtp', ctx, smtp.pool);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    mailer.close();
  }
}

async function writePreviews(input: EmailInput, mailFor: (recipient: string) => ComposedEmail, pending: readonly Outbound[], ledger: Ledger, ctx: ServiceContext): Promise<Result[]> {
  const mailer = createPreviewMailer();
  const deliver: Deliver = async ({ recipient, n }) => {
    const mail = mailFor(recipient);
    const info = await mailer.sendMail({
      from: PREVIEW_FROM,
      to: recipient,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdFor(input.runId, recipient.toLowerCase(), PREVIEW_FROM),
      headers: { 'X-Log-Anomaly-Run': input.runId },
      signal: ctx.signal,
    });
    const name = `emails/${n}-${safeFilePart(recipient)}.eml`;
    const file = join(input.runDir, name);
    const message = info.message as Buffer;
    await writeFileAtomic(file, message);
    ctx.artifact({ name, uri: pathToFileURL(file).href, bytes: message.length });
    return { messageId: info.messageId, file: name };
  };
  return deliverAll(pending, deliver, ledger, 'preview', ctx, false);
}

async function summarize(mode: DeliveryMode, recipients: readonly string[], results: readonly Result[], ledger: Ledger, ctx: ServiceContext): Promise<EmailOutput> {
  const failed = results.filter((r): r is Required<Result> => r.error !== undefined);
  // A preview cannot be refused by anyone: a failure there is local (disk) and fails the step.
  if (mode === 'preview' && failed.length > 0) throw failed[0]!.error;
  const rejected: string[] = [];
  for (const { o, error } of failed) {
    if (error.retryable) continue;
    rejected.push(o.recipient);
    ctx.log.warn('recipient refused the notification', { recipient: o.recipient, error: error.message });
    // Only an address the server refused (RCPT) is remembered; a bad login or a DATA-stage
    // refusal may be fixed before a re-run, which should then try again.
    if (error instanceof SmtpError && error.smtpCode === 'EENVELOPE') {
      await ledger.recordRejected(o.recipient.toLowerCase(), { at: new Date().toISOString(), responseCode: error.responseCode, error: error.message });
    }
  }
  const messageIds = recipients.flatMap((r) => ledger.entry(r.toLowerCase())?.messageId ?? []);
  const transient = failed.filter((f) => f.error.retryable);
  if (transient.length > 0) {
    throw new SmtpError(
      `${transient.length} of ${results.length} notification(s) failed temporarily (${transient[0]!.error.message}); ` +
        `${messageIds.length} delivered are recorded in ${ledger.file} and will not be sent again`,
      { retryable: true, cause: transient[0]!.error, recipient: transient[0]!.o.recipient },
    );
  }
  if (messageIds.length === 0 && failed.length > 0) {
    const first = failed[0]!.error;
    throw new SmtpError(`no recipient accepted the notification: ${first.message}`, { retryable: false, cause: first });
  }
  return {
    status: mode === 'smtp' ? 'sent' : 'previewed',
    recipients: messageIds.length,
    messageIds,
    ...(rejected.length > 0 ? { rejected } : {}),
  };
}
