/**
 * The one retry module: how many attempts, how long to wait between them (exponential backoff
 * with full jitter, capped), which errors are worth another try (the typed errors' `retryable`),
 * and waits that an abort ends at once.
 *
 * One retry layer per call: the steps' retry states compute their delays and decisions here, and
 * the clients they drive (AWS SDK, HTTP) are configured NOT to retry underneath, so N configured
 * attempts make at most N requests. A service that must retry inside a step (none today) calls
 * `withRetries` and its step's policy must then be `attempts: 1`.
 */
import { AbortedError, isRetryable, throwIfAborted } from '../errors.js';

export interface BackoffPolicy {
  /** Total attempts including the first (1 = no retry). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait after failed attempt `failedAttempt` (1-based): a uniform random share of
 * min(maxDelayMs, baseDelayMs * 2^(failedAttempt-1)) ("full jitter": clients that failed together
 * do not retry together). `random` in [0, 1) is injectable so machines and tests are deterministic.
 */
export function backoffDelay(policy: BackoffPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.round(ceiling * random());
}

/** Another attempt is made only when attempts remain and the error says it may help. */
export function shouldRetry(policy: Pick<BackoffPolicy, 'attempts'>, failedAttempt: number, error: unknown): boolean {
  return failedAttempt < policy.attempts && isRetryable(error);
}

/** Resolves after `ms`, or rejects with an AbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(new AbortedError('retry wait aborted', { cause: signal.reason })); return; }
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

export interface RetryOptions {
  readonly signal: AbortSignal;
  readonly onRetry?: (note: RetryNote) => void;
  /** A longer wait an error asks for (an HTTP Retry-After), still capped at maxDelayMs. */
  readonly hintMs?: (err: unknown) => number | undefined;
  readonly random?: () => number;
}

/** Runs `op` until it succeeds, fails for good, runs out of attempts (the last error) or is aborted. */
export async function withRetries<T>(policy: BackoffPolicy, op: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(o.signal, 'retry');
    try {
      return await op(attempt);
    } catch (err) {
      if (o.signal.aborted || !shouldRetry(policy, attempt, err)) throw err;
      const delayMs = Math.min(policy.maxDelayMs, Math.max(backoffDelay(policy, attempt, o.random), o.hintMs?.(err) ?? 0));
      o.onRetry?.({ attempt, error: err, delayMs });
      await sleep(delayMs, o.signal);
    }
  }
}
