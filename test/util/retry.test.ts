import { describe, expect, it } from 'vitest';
import { NetworkError, PipelineError } from '../../src/errors.js';
import { backoffDelay, shouldRetry, sleep, withRetries } from '../../src/util/retry.js';

const policy = { attempts: 3, baseDelayMs: 10, maxDelayMs: 25 };
const transient = () => new NetworkError('connection reset');
const fatal = () => new PipelineError('CONFIG_INVALID', 'bad config', { retryable: false });

describe('retry module', () => {
  it('backoff: full jitter under a doubling ceiling capped at maxDelayMs', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0.999999))).toEqual([10, 20, 25, 25]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(10);
  });

  it('retries only a retryable error, only while attempts remain (the last attempt is not retried)', () => {
    expect(shouldRetry(policy, 1, transient())).toBe(true);
    expect(shouldRetry(policy, 2, transient())).toBe(true);
    expect(shouldRetry(policy, 3, transient())).toBe(false);
    expect(shouldRetry(policy, 1, fatal())).toBe(false);
    expect(shouldRetry(policy, 1, new Error('untyped'))).toBe(false);
  });

  it('a retryable error that exhausts its attempts: exactly N tries, the last error thrown', async () => {
    let n = 0;
    const errs: Error[] = [];
    const notes: number[] = [];
    const err = await withRetries(policy, async (attempt) => {
      n++;
      const e = new NetworkError(`reset ${attempt}`);
      errs.push(e);
      throw e;
    }, { signal: new AbortController().signal, onRetry: (r) => notes.push(r.attempt), random: () => 0 }).catch((e: unknown) => e);
    expect(n).toBe(3);
    expect(err).toBe(errs[2]);
    expect(notes).toEqual([1, 2]);
  });

  it('a non-retryable error is tried once', async () => {
    let n = 0;
    const e = fatal();
    await expect(withRetries(policy, async () => { n++; throw e; }, { signal: new AbortController().signal })).rejects.toBe(e);
    expect(n).toBe(1);
  });

  it('succeeds on a later attempt with the value', async () => {
    let n = 0;
    const v = await withRetries(policy, async () => { if (++n < 2) throw transient(); return 'ok'; }, { signal: new AbortController().signal, random: () => 0 });
    expect([v, n]).toEqual(['ok', 2]);
  });

  it('an abort during a backoff wait ends the wait at once with AbortedError and no further try', async () => {
    const ac = new AbortController();
    let n = 0;
    const long = { attempts: 5, baseDelayMs: 600_000, maxDelayMs: 600_000 };
    const run = withRetries(long, async () => { n++; throw transient(); }, { signal: ac.signal, random: () => 1, onRetry: () => queueMicrotask(() => ac.abort()) });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(n).toBe(1);
  });

  it('sleep rejects at once when already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(sleep(600_000, ac.signal)).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
