/**
 * send_notification_emails: one message per recipient (as alerting tools do, so one bad address
 * neither blocks nor reveals the others), over pooled, rate-limited SMTP, or as .eml previews
 * through nodemailer's stream transport when no SMTP server is configured.
 *
 * At most one email per recipient per run (the ledger `<runDir>/notifications.json`, see
 * email/ledger.ts): each message is recorded `sending` (durably) after the server accepted its
 * envelope and DATA command and before its bytes go out (email/gate.ts), then `sent` after the
 * 250. A retry or re-execution sends only to recipients the ledger does not hold; one left
 * `sending` is `unknown` (maybe delivered) and is sent again only with `resendUnknown`, with the
 * same Message-ID. Outcomes: a 5xx for one recipient is recorded and reported while the others
 * still get theirs; a transient failure (4xx, dropped connection, timeout) fails the step as
 * retryable, and the retry sends only what is missing.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmailInput, EmailOutput } from '../contracts.js';
import type { ServiceContext } from './context.js';
import { PipelineError, throwIfAborted } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { composeEmail, contentHash, messageIdFor, type ComposedEmail } from './email/compose.js';
import { SmtpError, toSmtpError } from './email/errors.js';
import { BEFORE_DATA } from './email/gate.js';
import { deliveryOf, openLedger, type DeliveryMode, type Ledger } from './email/ledger.js';
import { createPreviewMailer, createSmtpMailer, PREVIEW_FROM } from './email/transport.js';
import { refuseSymlink } from '../util/no-symlink.js';

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
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- deliveryOf(e) is 'sent' only for an entry
    return deliveryOf(e) === 'sent' && (e!.mode === 'smtp' || mode === 'preview');
  };
  const isUnknown = (r: string) => deliveryOf(ledger.entry(key(r))) === 'unknown';
  const unknown = recipients.filter(isUnknown);
  const resend = input.resendUnknown === true;
  for (const r of unknown) {
    log.warn(resend ? 'delivery unknown: sending again with the same Message-ID (resendUnknown)' : 'delivery unknown: not sent again (rerun with --resend-unknown to send it)', {
      recipient: r,
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- unknown holds only recipients whose ledger entry says unknown
      messageId: ledger.entry(key(r))!.messageId,
    });
  }
  const all = recipients.map((recipient, i) => ({ recipient, n: i + 1 }));
  const pending = all.filter(
    (o) => !done(o.recipient) && !(mode === 'smtp' && ledger.rejected(key(o.recipient))) && !(isUnknown(o.recipient) && !resend),
  );
  const skipped = all.length - pending.length;
  if (pending.length === 0) {
    const messageIds = sentIds(recipients, ledger);
    log.info('notification already sent for this run: nothing to do', { recipients: messageIds.length, ledger: ledger.file });
    return withUnknown({ status: mode === 'smtp' ? 'already_sent' : 'previewed', recipients: messageIds.length, messageIds }, recipients.filter(isUnknown));
  }
  if (skipped > 0) log.info('some recipients were already notified in an earlier attempt', { skipped, pending: pending.length });

  // Each recipient's own incidents (routing), composed once per recipient.
  const mail = (recipient: string) => composeEmail(input, recipient);
  const results = input.smtp ? await sendSmtp(input, mail, pending, ledger, ctx) : await writePreviews(input, mail, pending, ledger, ctx);
  throwIfAborted(signal, 'send_notification_emails');
  return withUnknown(await summarize(mode, recipients, results, ledger, ctx), recipients.filter(isUnknown));
}

/** Message-IDs of the recipients the ledger holds as sent. */
function sentIds(recipients: readonly string[], ledger: Ledger): string[] {
  return recipients.flatMap((r) => {
    const e = ledger.entry(r.toLowerCase());
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- deliveryOf(e) is 'sent' only for an entry
    return deliveryOf(e) === 'sent' ? [e!.messageId] : [];
  });
}

function withUnknown(out: EmailOutput, unknown: readonly string[]): EmailOutput {
  return unknown.length > 0 ? { ...out, unknown } : out;
}

type Result = { readonly o: Outbound; readonly error?: PipelineError };

async function deliverAll(pending: readonly Outbound[], deliver: Deliver, ledger: Ledger, mode: DeliveryMode, ctx: ServiceContext, concurrent: boolean): Promise<Result[]> {
  let count = 0;
  const one = async (o: Outbound): Promise<Result> => {
    try {
      const d = await deliver(o);
      // The 250 is in: `sent` (a kill before this write leaves `sending`, reported unknown later).
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
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the step is skipped before here when no SMTP is configured
  const smtp = input.smtp!;
  const mailer = createSmtpMailer(smtp, input.secrets ?? {});
  // Abort: queued messages fail through their own signal; force-close what is mid-delivery.
  const onAbort = () => mailer.close({ force: true });
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  ctx.log.info('sending notifications', { host: smtp.host, port: smtp.port, recipients: pending.length, pool: smtp.pool, rateLimit: smtp.rateLimit, rateDeltaMs: smtp.rateDeltaMs });
  try {
    const deliver: Deliver = async ({ recipient }) => {
      const key = recipient.toLowerCase();
      const mail = mailFor(recipient);
      // An unknown delivery sent again keeps its Message-ID, so clients fold the two copies.
      const messageId = ledger.entry(key)?.messageId ?? messageIdFor(input.runId, key, contentHash(mail));
      let gateOpened = false;
      const beforeData = async () => {
        gateOpened = true;
        await ledger.recordSending(key, { messageId, at: new Date().toISOString(), mode: 'smtp' });
      };
      try {
        const info = await mailer.sendMail({
          from: smtp.from,
          to: recipient,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId,
          headers: { 'X-Log-Anomaly-Run': input.runId },
          signal: ctx.signal,
          // read by email/gate.ts: the ledger says `sending` before the message's bytes go out
          ...({ [BEFORE_DATA]: beforeData } as object),
        });
        return { messageId, response: info.response };
      } catch (err) {
        // The server answered (a 4xx/5xx reply to the message): nothing was delivered, so the
        // entry is not left `sending`. Without a reply (dropped, aborted) it stays: unknown.
        if (gateOpened && typeof (err as { responseCode?: unknown }).responseCode === 'number') await ledger.clearSending(key);
        throw err;
      }
    };
    // The pool queues everything and applies maxConnections and rateLimit itself.
    return await deliverAll(pending, deliver, ledger, 'smtp', ctx, smtp.pool);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    mailer.close();
  }
}

async function writePreviews(input: EmailInput, mailFor: (recipient: string) => ComposedEmail, pending: readonly Outbound[], ledger: Ledger, ctx: ServiceContext): Promise<Result[]> {
  await refuseSymlink(join(input.runDir, 'emails'), 'email folder');
  const mailer = createPreviewMailer();
  const deliver: Deliver = async ({ recipient, n }) => {
    const mail = mailFor(recipient);
    const info = await mailer.sendMail({
      from: PREVIEW_FROM,
      to: recipient,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdFor(input.runId, recipient.toLowerCase(), contentHash(mail)),
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
  if (mode === 'preview' && failed.length > 0) throw failed[0].error;
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
  const messageIds = sentIds(recipients, ledger);
  const transient = failed.filter((f) => f.error.retryable);
  if (transient.length > 0) {
    throw new SmtpError(
      `${transient.length} of ${results.length} notification(s) failed temporarily for ${transient.map((t) => t.o.recipient).join(', ')} (${transient[0].error.message}); ` +
        `${messageIds.length} delivered are recorded in ${ledger.file} and will not be sent again`,
      { retryable: true, cause: transient[0].error, recipient: transient[0].o.recipient },
    );
  }
  if (messageIds.length === 0 && failed.length > 0) {
    const first = failed[0].error;
    throw new SmtpError(`no recipient accepted the notification: ${first.message}`, { retryable: false, cause: first });
  }
  return {
    status: mode === 'smtp' ? 'sent' : 'previewed',
    recipients: messageIds.length,
    messageIds,
    ...(rejected.length > 0 ? { rejected } : {}),
  };
}
