/**
 * One POST of a webhook, with exactly the knowledge the at-most-once ledger needs: whether any
 * byte of the request may have reached the receiver. node:http holds a request's headers until
 * the body is written, so the request is written only once the connection is up and `beforeSend`
 * (the ledger's `sending` entry, written durably) has resolved:
 *
 * - a failure before that (refused, DNS, TLS, connect timeout) sent nothing: retryable;
 * - an answer: 2xx is delivered; 408, 429 and 5xx retryable; any other status (3xx included:
 *   redirects are not followed, the body would go to a place nobody configured) refused for good;
 * - no answer after the request went out (a timeout, a reset, an abort) is ambiguous: the
 *   receiver may have acted on it. The caller leaves the ledger `sending` (unknown).
 *
 * No retry in here: the step's policy retries (src/util/retry.ts), so N attempts are N POSTs.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ErrorCode, PipelineError, messageOf } from '../../errors.js';
import { sanitizeForTerminal, truncate } from '../../util/sanitize.js';

/** What of a receiver's answer is kept for the error message (Slack answers `invalid_token` etc.). */
const MAX_ANSWER = 300;

export type WebhookPhase = 'before_send' | 'answered' | 'no_answer';

export class WebhookError extends PipelineError {
  override name = 'WebhookError';
  /** before_send: nothing left; answered: the receiver said no; no_answer: it may have the request. */
  readonly phase: WebhookPhase;
  readonly httpStatus?: number;
  constructor(message: string, opts: { phase: WebhookPhase; retryable: boolean; httpStatus?: number; cause?: unknown; retryAfterMs?: number }) {
    super(ErrorCode.WEBHOOK, message, {
      retryable: opts.retryable,
      cause: opts.cause,
      details: { phase: opts.phase, ...(opts.httpStatus ? { httpStatus: opts.httpStatus } : {}), ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}) },
    });
    this.phase = opts.phase;
    this.httpStatus = opts.httpStatus;
  }
}

export interface PostOptions {
  /** Connecting, and then waiting for the answer, each at most this long. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Runs once the connection is up, before a byte of the request is written. */
  readonly beforeSend: () => Promise<void>;
  /** How the URL is named in messages (redacted by the caller). */
  readonly label: string;
}

export interface PostAnswer {
  readonly status: number;
  readonly body: string;
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function retryAfterMs(res: IncomingMessage): number | undefined {
  const v = res.headers['retry-after'];
  if (v === undefined || Array.isArray(v)) return undefined;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Resolves with a 2xx answer; rejects with a WebhookError saying how far the request got. */
export function postWebhook(url: string, body: string, headers: Readonly<Record<string, string>>, o: PostOptions): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const https = u.protocol === 'https:';
    let written = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    // eslint-disable-next-line prefer-const -- done() below closes over req before the request exists
    let req: ClientRequest | undefined;
    const done = (err: WebhookError | undefined, answer?: PostAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (err) {
        req?.destroy();
        reject(err);
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- done() is called with an answer whenever err is undefined
      } else resolve(answer!);
    };
    const noAnswer = (why: string, cause?: unknown) =>
      written
        ? new WebhookError(`webhook ${o.label}: ${why} after the request was sent; it may have been delivered`, { phase: 'no_answer', retryable: false, cause })
        : new WebhookError(`webhook ${o.label}: ${why} before anything was sent`, { phase: 'before_send', retryable: !o.signal.aborted, cause });
    // Once the status line is in, the answer is known even if its body never finishes.
    let head: IncomingMessage | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => (head ? judge(head, '') : done(noAnswer(`no answer within ${o.timeoutMs} ms`))), o.timeoutMs);
    };
    const judge = (res: IncomingMessage, text: string) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) { done(undefined, { status, body: text }); return; }
      const retryable = isRetryableStatus(status);
      const why = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
      done(
        new WebhookError(`webhook ${o.label}: HTTP ${status}${why}${text ? `: ${text}` : ''}`, {
          phase: 'answered',
          retryable,
          httpStatus: status,
          ...(retryable ? { retryAfterMs: retryAfterMs(res) } : {}),
        }),
      );
    };
    const onAbort = () => done(noAnswer('aborted', o.signal.reason));
    if (o.signal.aborted) { onAbort(); return; }
    o.signal.addEventListener('abort', onAbort, { once: true });

    req = (https ? httpsRequest : httpRequest)(u, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      // A fresh connection per delivery: a pooled socket may be half-closed, which would make a
      // clean refusal look like "sent, no answer".
      agent: false,
    });
    arm();
    req.on('socket', (socket) => {
      socket.once(https ? 'secureConnect' : 'connect', () => {
        o.beforeSend().then(
          () => {
            if (settled) return;
            written = true;
            arm(); // the answer gets its own full timeout
            req.end(body);
          },
          (err: unknown) => done(new WebhookError(`webhook ${o.label}: could not record the delivery before sending: ${messageOf(err)}`, { phase: 'before_send', retryable: false, cause: err })),
        );
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => done(noAnswer(err.code ?? err.message, err)));
    req.on('response', (res) => {
      head = res;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // Keep the start of the answer only; the rest is read and dropped so the socket ends cleanly.
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      // The status decides; a body cut off after it does not make the answer unknown.
      res.on('error', () => judge(res, ''));
      res.on('end', () => judge(res, truncate(sanitizeForTerminal(Buffer.concat(chunks).toString('utf8')).replace(/\s+/g, ' ').trim(), MAX_ANSWER)));
    });
  });
}
