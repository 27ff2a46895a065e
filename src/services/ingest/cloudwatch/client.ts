/**
 * The CloudWatch Logs client for a source: region, endpoint override, credentials (a profile or
 * the default chain, optionally exchanged for an assumed role's). The SDK does NOT retry
 * (maxAttempts: 1): the step's retry policy is the one retry layer (src/util/retry.ts), and a retry
 * resumes after the last page written, so `attempts: N` means at most N calls per page.
 * No credential ever passes through here as text: the SDK's providers resolve them.
 */
import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { CloudWatchSource } from '../../../config/settings-types.js';

/** One request per SDK call: retries belong to the step (see the header). */
export const SDK_MAX_ATTEMPTS = 1;

/** The settings that configured the SDK's own retries before there was one retry layer; ignored now. */
export function ignoredRetrySettings(source: CloudWatchSource): string[] {
  return (['maxAttempts', 'retryMode', 'retryBaseDelayMs'] as const).filter((k) => source[k] !== undefined).map((k) => `source.${k}`);
}

export function cloudWatchClientConfig(source: CloudWatchSource, sessionName: string): CloudWatchLogsClientConfig {
  const config: CloudWatchLogsClientConfig = {
    region: source.region,
    ...(source.endpoint ? { endpoint: source.endpoint } : {}),
    ...(source.profile ? { profile: source.profile } : {}),
    maxAttempts: SDK_MAX_ATTEMPTS,
  };
  if (source.roleArn) {
    // Cross-account: the profile's (or default chain's) credentials assume the role through STS;
    // the provider refreshes the temporary credentials before they expire.
    return {
      ...config,
      credentials: fromTemporaryCredentials({
        params: { RoleArn: source.roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 },
        clientConfig: { region: source.region, maxAttempts: SDK_MAX_ATTEMPTS, ...(source.profile ? { profile: source.profile } : {}) },
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
