/**
 * An AWS SDK failure as a PipelineError. The SDK has already spent its own retries when this runs,
 * so what is still transient (throttling, 5xx, a dropped connection) is marked retryable for the
 * step's retry policy; what will not change by asking again (access denied, no such group, bad
 * parameters, no credentials) is not.
 */
import { ErrorCode, NetworkError, PipelineError } from '../../../errors.js';

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function awsError(err: unknown, what: string): PipelineError {
  if (err instanceof PipelineError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const details = { awsError: name, ...(status ? { status } : {}), ...(requestId ? { requestId } : {}) };
  if (e.code && NETWORK_CODES.has(e.code)) {
    return new NetworkError(`${what} failed: ${e.code} (${e.message ?? ''})`, { cause: err, details });
  }
  if (name === 'CredentialsProviderError') {
    return new PipelineError(ErrorCode.AWS, `${what}: no AWS credentials (${e.message}); configure a profile, environment variables or an instance role`, {
      retryable: false,
      cause: err,
      details,
    });
  }
  const transient = TRANSIENT_NAMES.has(name) || (status !== undefined && (status >= 500 || status === 429)) || e.$fault === 'server';
  const hint = name === 'AccessDeniedException' || name === 'AccessDenied' ? ' (check the IAM permissions in docs/aws.md)' : '';
  return new PipelineError(ErrorCode.AWS, `${what} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? 'no message'}${hint}`, {
    retryable: transient,
    cause: err,
    details,
  });
}
