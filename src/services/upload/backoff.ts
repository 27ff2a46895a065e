/**
 * Retry with exponential backoff and jitter inside a service, for an operation that is safe to
 * repeat (an HTTP PUT of the same bytes). The error decides: only `retryable` ones are retried.
 */
import { AbortedError, isRetryable, throwIfAborted } from '../../errors.js';

export interface BackoffPolicy {
  /** Total tries including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Full doubling per attempt, then a random 50-100% of it so many clients do not retry in step. */
export function backoffDelay(policy: BackoffPolicy, failedAttempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError('retry wait aborted', { cause: signal.reason }));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('retry wait aborted', { cause: signal.reason }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryNote {
  readonly attempt: number;
  readonly error: unknown;
  readonly delayMs: number;
}

/**
 * `hintMs` lets an error ask for a longer wait (an HTTP Retry-After), capped at maxDelayMs.
 */
export async function withRetries<T>(
  policy: BackoffPolicy,
  signal: AbortSignal,
  op: (attempt: number) => Promise<T>,
  onRetry: (note: RetryNote) => void = () => {},
  hintMs: (err: unknown) => number | undefined = () => undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal, 'upload');
    try {
      return await op(attempt);
    } catch (err) {
      if (signal.aborted || !isRetryable(err) || attempt >= policy.attempts) throw err;
      const hint = hintMs(err);
      const delayMs = Math.min(policy.maxDelayMs, Math.max(backoffDelay(policy, attempt), hint ?? 0));
      onRetry({ attempt, error: err, delayMs });
      await sleep(delayMs, signal);
    }
  }
}
