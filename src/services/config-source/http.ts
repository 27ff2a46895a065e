/**
 * One GET of a config from the SkyU config service. Errors carry their retryability: 5xx, 408,
 * 429, timeouts and network errors are retryable (the step's policy retries them), other 4xx are
 * not (a wrong token or path does not fix itself). The token is sent, never logged or put in a
 * message; messages show the URL without credentials or query string.
 */
import { AbortedError, ErrorCode, HttpError, NetworkError, PipelineError, TimeoutError, messageOf } from '../../errors.js';
import { redactUrl } from '../../util/redact-url.js';
import { checkConfigHost } from './host-policy.js';
import { MAX_YAML_BYTES } from '../../config/yaml-schema.js';

/** Config files are small (the YAML limit); reading stops at the first byte past it. */
export const MAX_CONFIG_BYTES = MAX_YAML_BYTES;
/** The response header that names the config's commit/revision, when the service sends one. */
export const REVISION_HEADER = 'x-config-revision';

export type FetchResult =
  | { readonly kind: 'fresh'; readonly text: string; readonly etag?: string; readonly revision?: string }
  | { readonly kind: 'not-modified'; readonly etag?: string; readonly revision?: string };

export interface FetchOptions {
  readonly token?: string;
  readonly etag?: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Link-local/metadata hosts allowed anyway (host-policy.ts). */
  readonly allowHosts?: readonly string[];
}

/** The URL without credentials or query string, safe to log. */
export const safeUrl = redactUrl;

function failure(err: unknown, url: string, opts: FetchOptions, timeout: AbortSignal): PipelineError {
  if (opts.signal.aborted) {
    const reason: unknown = opts.signal.reason;
    return reason instanceof PipelineError ? reason : new AbortedError(`download of ${safeUrl(url)} aborted`, { cause: reason });
  }
  if (timeout.aborted) return new TimeoutError(`config service did not answer within ${opts.timeoutMs} ms: ${safeUrl(url)}`, { cause: err });
  if (err instanceof PipelineError) return err;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? messageOf(err);
  return new NetworkError(`cannot reach the config service ${safeUrl(url)}: ${why}`, { cause: err });
}

async function readBody(res: Response, url: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_CONFIG_BYTES) throw tooBig(url);
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_CONFIG_BYTES) {
      await reader.cancel();
      throw tooBig(url);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooBig = (url: string) =>
  new PipelineError(ErrorCode.CONFIG_INVALID, `${safeUrl(url)}: the response is larger than ${MAX_CONFIG_BYTES} bytes; is this a detection config?`);

/** `(text/html, 1234 bytes)`: the content type and declared size of an error response; its text is never read. */
async function describeBody(res: Response): Promise<string> {
  await res.body?.cancel().catch(() => undefined);
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  const length = res.headers.get('content-length');
  const parts = [/^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : '', length && /^\d+$/.test(length) ? `${length} bytes` : ''].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export async function fetchConfig(url: string, opts: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = { accept: 'application/yaml, text/yaml, text/plain;q=0.9, */*;q=0.5' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.etag) headers['if-none-match'] = opts.etag;
  await checkConfigHost(url, opts.allowHosts);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  try {
    // Redirects are not followed: the bearer token must never travel to a host it was not meant for.
    const res = await fetch(url, { headers, signal: AbortSignal.any([opts.signal, timeout]), redirect: 'manual' });
    const etag = res.headers.get('etag') ?? undefined;
    const revision = res.headers.get(REVISION_HEADER) ?? undefined;
    if (res.status === 304) {
      await res.body?.cancel();
      return { kind: 'not-modified', etag, revision };
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const to = res.headers.get('location');
      throw new HttpError(res.status, safeUrl(url), `config service redirected ${safeUrl(url)} to ${to ? safeUrl(new URL(to, url).href) : 'nowhere'}; set detectionConfig.location to the final URL`, {
        retryable: false,
      });
    }
    if (!res.ok) {
      // What came back, never what it says: an error body can hold anything (a token echoed back, a
      // stack trace, a file), and this message goes to stderr, run.json and NATS.
      const detail = await describeBody(res);
      const hint = res.status === 401 || res.status === 403 ? ' (check the token named by detectionConfig.tokenEnv)' : '';
      throw new HttpError(res.status, safeUrl(url), `config service answered ${res.status} for ${safeUrl(url)}${hint}${detail}`);
    }
    return { kind: 'fresh', text: await readBody(res, url), etag, revision };
  } catch (err) {
    throw failure(err, url, opts, timeout);
  }
}
