/**
 * How settings become SDK client configuration: the retry strategy per mode, the endpoint, the
 * assumed-role credentials provider, the STS session name.
 */
import { describe, expect, it } from 'vitest';
import { cloudWatchClientConfig, ignoredRetrySettings, roleSessionName } from '../../src/services/ingest/cloudwatch/client.js';
import type { CloudWatchSource } from '../../src/config/settings-types.js';

const base: CloudWatchSource = { type: 'cloudwatch', region: 'eu-west-1', logGroups: ['/a'], since: '1h' };

describe('cloudWatchClientConfig', () => {
  it('turns the SDK retries off whatever the old retry settings say (the step retries)', () => {
    expect(cloudWatchClientConfig(base, 's')).toEqual({ region: 'eu-west-1', maxAttempts: 1 });
    const old = { ...base, retryMode: 'adaptive' as const, maxAttempts: 8, retryBaseDelayMs: 10 };
    expect(cloudWatchClientConfig(old, 's')).toEqual({ region: 'eu-west-1', maxAttempts: 1 });
    expect(ignoredRetrySettings(old)).toEqual(['source.maxAttempts', 'source.retryMode', 'source.retryBaseDelayMs']);
    expect(ignoredRetrySettings(base)).toEqual([]);
  });

  it('passes endpoint and profile, and assumes roleArn through a credentials provider', () => {
    const cfg = cloudWatchClientConfig({ ...base, endpoint: 'http://127.0.0.1:1', profile: 'p', roleArn: 'arn:aws:iam::123456789012:role/r' }, 's');
    expect(cfg).toMatchObject({ endpoint: 'http://127.0.0.1:1', profile: 'p' });
    expect(typeof cfg.credentials).toBe('function');
    expect(cloudWatchClientConfig(base, 's').credentials).toBeUndefined();
  });

  it('makes valid STS session names', () => {
    expect(roleSessionName('run 1/x')).toBe('log-anomaly-run-1-x');
    expect(roleSessionName('x'.repeat(80))).toHaveLength(64);
  });
});
