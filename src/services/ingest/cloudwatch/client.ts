/**
 * The CloudWatch Logs client for a source: region, endpoint override, credentials (a profile or
 * the default chain, optionally exchanged for an assumed role's), and the SDK's own retry strategy.
 * No credential ever passes through here as text: the SDK's providers resolve them.
 */
import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { CloudWatchSource } from '../../../config/settings-types.js';

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Full-jitter exponential backoff over a base delay, capped at 20 s (the SDK's cap). Standard mode
 * with the SDK's own delays waits 1 s+ on throttling; a configured base makes that tunable.
 */
export function jitteredBackoff(baseMs: number, capMs = 20_000): (attempt: number) => number {
  return (attempt) => Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))) + 1;
}

export function cloudWatchClientConfig(source: CloudWatchSource, sessionName: string): CloudWatchLogsClientConfig {
  const maxAttempts = source.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const mode = source.retryMode ?? 'standard';
  const config: CloudWatchLogsClientConfig = {
    region: source.region,
    ...(source.endpoint ? { endpoint: source.endpoint } : {}),
    ...(source.profile ? { profile: source.profile } : {}),
    ...(mode === 'standard' && source.retryBaseDelayMs !== undefined
      ? { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, jitteredBackoff(source.retryBaseDelayMs)) }
      : { maxAttempts, retryMode: mode }),
  };
  if (source.roleArn) {
    // Cross-account: the profile's (or default chain's) credentials assume the role through STS;
    // the provider refreshes the temporary credentials before they expire.
    return {
      ...config,
      credentials: fromTemporaryCredentials({
        params: { RoleArn: source.roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 },
        clientConfig: { region: source.region, ...(source.profile ? { profile: source.profile } : {}) },
      }),
    };
  }
  return config;
}

export function createCloudWatchClient(source: CloudWatchSource, sessionName: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient(cloudWatchClientConfig(source, sessionName));
}

/** STS role session names: 2-64 of `[\w+=,.@-]`. */
export function roleSessionName(runId: string): string {
  return `log-anomaly-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
