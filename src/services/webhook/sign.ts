/**
 * How a generic JSON webhook is signed, and how a receiver checks it (the scheme Stripe and GitHub
 * use): HMAC-SHA256 with the shared secret over `<timestamp>.<raw body>`, sent as
 * `X-LogAnomaly-Signature: sha256=<hex>` next to `X-LogAnomaly-Timestamp: <unix seconds>`. Signing
 * the timestamp with the body lets a receiver refuse replays of an old request; comparing in
 * constant time keeps the signature from leaking byte by byte.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WebhookHeader = {
  signature: 'X-LogAnomaly-Signature',
  timestamp: 'X-LogAnomaly-Timestamp',
  /** The idempotency key: the same on every post of one delivery (a retry, --resend-unknown). */
  delivery: 'X-LogAnomaly-Delivery',
  event: 'X-LogAnomaly-Event',
} as const;

/** Five minutes either way, as Stripe's libraries default to. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export interface VerifyInput {
  readonly secret: string;
  /** The raw request body, exactly as received (not re-serialised JSON). */
  readonly body: string | Buffer;
  /** The X-LogAnomaly-Timestamp header. */
  readonly timestamp: string | undefined;
  /** The X-LogAnomaly-Signature header. */
  readonly signature: string | undefined;
  readonly toleranceSeconds?: number;
  /** Unix seconds; default now. */
  readonly now?: number;
}

/** True when the signature is the secret's over this body and timestamp, and the timestamp is recent. */
export function verifyWebhookSignature(v: VerifyInput): boolean {
  if (v.timestamp === undefined || v.signature === undefined || !/^\d{1,12}$/.test(v.timestamp)) return false;
  const ts = Number(v.timestamp);
  const now = v.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (v.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(v.secret, ts, Buffer.isBuffer(v.body) ? v.body.toString('utf8') : v.body));
  const given = Buffer.from(v.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
