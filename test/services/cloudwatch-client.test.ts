/**
 * How settings become SDK client configuration: the retry strategy per mode, the endpoint, the
 * assumed-role credentials provider, the STS session name.
 */
import { describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { cloudWatchClientConfig, jitteredBackoff, roleSessionName } from '../../src/services/ingest/cloudwatch/client.js';
import type { CloudWatchSource } from '../../src/config/settings-types.js';

const base: CloudWatchSource = { type: 'cloudwatch', region: 'eu-west-1', logGroups: ['/a'], since: '1h' };

describe('cloudWatchClientConfig', () => {
  it('leaves standard and adaptive retries to the SDK with the configured attempts', () => {
    expect(cloudWatchClientConfig(base, 's')).toEqual({ region: 'eu-west-1', maxAttempts: 5, retryMode: 'standard' });
    expect(cloudWatchClientConfig({ ...base, retryMode: 'adaptive', maxAttempts: 8 }, 's')).toMatchObject({ maxAttempts: 8, retryMode: 'adaptive' });
  });

  it('uses the SDK ConfiguredRetryStrategy when a backoff base is set (standard mode only)', async () => {
    const cfg = cloudWatchClientConfig({ ...base, maxAttempts: 3, retryBaseDelayMs: 10 }, 's');
    expect(cfg.retryStrategy).toBeInstanceOf(ConfiguredRetryStrategy);
    expect(await (cfg.retryStrategy as ConfiguredRetryStrategy).maxAttempts()).toBe(3);
    expect(cloudWatchClientConfig({ ...base, retryMode: 'adaptive', retryBaseDelayMs: 10 }, 's').retryStrategy).toBeUndefined();
  });

  it('passes endpoint and profile, and assumes roleArn through a credentials provider', () => {
    const cfg = cloudWatchClientConfig({ ...base, endpoint: 'http://127.0.0.1:1', profile: 'p', roleArn: 'arn:aws:iam::123456789012:role/r' }, 's');
    expect(cfg).toMatchObject({ endpoint: 'http://127.0.0.1:1', profile: 'p' });
    expect(typeof cfg.credentials).toBe('function');
    expect(cloudWatchClientConfig(base, 's').credentials).toBeUndefined();
  });

  it('jitters within a doubling ceiling and makes valid STS session names', () => {
    const delays = Array.from({ length: 200 }, () => jitteredBackoff(10)(3));
    expect(Math.max(...delays)).toBeLessThanOrEqual(40);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1);
    expect(jitteredBackoff(10_000)(10)).toBeLessThanOrEqual(20_000);
    expect(roleSessionName('run 1/x')).toBe('log-anomaly-run-1-x');
    expect(roleSessionName('x'.repeat(80))).toHaveLength(64);
  });
});
