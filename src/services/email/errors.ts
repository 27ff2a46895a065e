/**
 * nodemailer failures as typed pipeline errors. Whether to retry follows the SMTP reply class
 * (RFC 5321: 4yz transient, 5yz permanent, 503 aside) and, without a reply, the failure kind: a
 * dropped or refused connection or a timeout may clear up; bad credentials or config will not.
 */
import { AbortedError, ErrorCode, PipelineError } from '../../errors.js';
import { truncate } from '../../util/sanitize.js';

/** What nodemailer attaches to its errors (see nodemailer's NodemailerError). */
interface NodemailerErrorLike {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly permanent?: boolean;
  readonly command?: string;
  readonly message?: string;
}

const TRANSIENT_CODES: ReadonlySet<string> = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EMAXLIMIT']);

export class SmtpError extends PipelineError {
  override name = 'SmtpError';
  readonly responseCode?: number;
  readonly smtpCode?: string;
  readonly recipient?: string;
  constructor(message: string, opts: { retryable: boolean; cause?: unknown; responseCode?: number; smtpCode?: string; recipient?: string }) {
    super(ErrorCode.SMTP, message, {
      retryable: opts.retryable,
      cause: opts.cause,
      details: { responseCode: opts.responseCode, smtpCode: opts.smtpCode, recipient: opts.recipient },
    });
    this.responseCode = opts.responseCode;
    this.smtpCode = opts.smtpCode;
    this.recipient = opts.recipient;
  }
}

export function isPermanentReply(code: number): boolean {
  return code >= 500 && code < 600 && code !== 503;
}

export function toSmtpError(err: unknown, recipient?: string): PipelineError {
  if (err instanceof PipelineError) return err;
  const e = (err ?? {}) as NodemailerErrorLike;
  if (e.code === 'EABORT') return new AbortedError('sending notification aborted', { cause: err });
  const to = recipient ? ` for ${recipient}` : '';
  if (typeof e.responseCode === 'number') {
    const permanent = e.permanent ?? isPermanentReply(e.responseCode);
    // The server's reply text, never our credentials: nodemailer does not echo AUTH arguments.
    const reply = truncate((e.response ?? e.message ?? '').replace(/\s+/g, ' '), 200);
    return new SmtpError(`SMTP ${e.responseCode}${to}${e.command ? ` after ${e.command.split(' ')[0]}` : ''}: ${reply}`, {
      retryable: !permanent,
      cause: err,
      responseCode: e.responseCode,
      smtpCode: e.code,
      recipient,
    });
  }
  const retryable = e.code !== undefined && TRANSIENT_CODES.has(e.code);
  return new SmtpError(`SMTP ${e.code ?? 'error'}${to}: ${truncate(e.message ?? String(err), 200)}`, {
    retryable,
    cause: err,
    smtpCode: e.code,
    recipient,
  });
}
