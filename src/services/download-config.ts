/**
 * download_config_yaml: the detection config from a local path or the SkyU config service (http/s).
 *
 * HTTP behaviour: bearer token from the env var named in the settings (never logged); timeout;
 * 5xx, 408, 429, timeouts and network errors are retryable errors (the step's retry policy retries
 * them), other 4xx are not; ETag / If-None-Match against a local cache so an unchanged config is not
 * downloaded again; when the service is unreachable (network error, timeout or 5xx) and
 * `onUnreachable: use-cache` (the default), the last good cached copy is used with a warning.
 * The revision comes from the `X-Config-Revision` response header (else none).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DownloadConfigInput, DownloadConfigOutput } from '../contracts.js';
import { parseDetectionConfig } from '../config/detection-config.js';
import { ConfigError, ErrorCode, HttpError, NetworkError, PipelineError, TimeoutError, throwIfAborted } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import type { ServiceContext } from './context.js';

export const CONFIG_FILE = 'detection-config.yaml';
const DEFAULT_TIMEOUT_MS = 10_000;

interface CacheEntry {
  readonly url: string;
  readonly etag?: string;
  readonly revision?: string;
  readonly body: string;
  readonly savedAt: string;
}

interface Fetched {
  readonly text: string;
  readonly etag?: string;
  readonly revision?: string;
  readonly fromCache: boolean;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

function cacheFile(cacheDir: string, url: string): string {
  return join(cacheDir, createHash('sha256').update(url).digest('hex').slice(0, 32) + '.json');
}

async function readCache(path: string): Promise<CacheEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(path, 'utf8')) as CacheEntry;
    return typeof entry.body === 'string' ? entry : undefined;
  } catch {
    return undefined; // no cache, or a damaged one: behave as if there were none
  }
}

/** The URL without credentials or query string, safe to log. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

async function fetchOnce(url: string, input: DownloadConfigInput, ctx: ServiceContext, cached: CacheEntry | undefined): Promise<Fetched> {
  const headers: Record<string, string> = { accept: 'application/yaml, text/yaml, text/plain;q=0.9, */*;q=0.5' };
  const tokenEnv = input.source.tokenEnv;
  if (tokenEnv) {
    const token = process.env[tokenEnv];
    if (!token) throw new PipelineError(ErrorCode.CONFIG_INVALID, `environment variable ${tokenEnv} (detectionConfig.tokenEnv) is not set`);
    headers.authorization = `Bearer ${token}`;
  }
  if (cached?.etag) headers['if-none-match'] = cached.etag;
  const timeoutMs = input.source.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.any([ctx.signal, timeout]), redirect: 'follow' });
  } catch (err) {
    throwIfAborted(ctx.signal, 'download_config_yaml');
    if (timeout.aborted) throw new TimeoutError(`config service did not answer within ${timeoutMs}ms: ${safeUrl(url)}`, { cause: err });
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new NetworkError(`cannot reach the config service ${safeUrl(url)}: ${cause?.code ?? (err as Error).message}`, { cause: err });
  }
  if (res.status === 304 && cached) {
    await res.body?.cancel();
    ctx.log.info('config unchanged since last download (304), using the cached copy', { etag: cached.etag });
    return { text: cached.body, etag: cached.etag, revision: cached.revision, fromCache: true };
  }
  if (!res.ok) {
    await res.body?.cancel();
    const hint = res.status === 401 || res.status === 403 ? ` (check the token in ${tokenEnv ?? 'detectionConfig.tokenEnv'})` : '';
    throw new HttpError(res.status, safeUrl(url), `config service answered ${res.status} ${res.statusText} for ${safeUrl(url)}${hint}`);
  }
  const text = await res.text();
  return { text, etag: res.headers.get('etag') ?? undefined, revision: res.headers.get('x-config-revision') ?? undefined, fromCache: false };
}

function unreachable(err: unknown): boolean {
  return err instanceof NetworkError || err instanceof TimeoutError || (err instanceof HttpError && err.status >= 500);
}

async function fetchHttp(url: string, input: DownloadConfigInput, ctx: ServiceContext): Promise<Fetched & { cachePath: string }> {
  const cacheDir = input.source.cacheDir ?? join(dirname(input.runDir), '.cache', 'config');
  const cachePath = cacheFile(cacheDir, url);
  const cached = await readCache(cachePath);
  try {
    return { ...(await fetchOnce(url, input, ctx, cached)), cachePath };
  } catch (err) {
    const fallback = (input.source.onUnreachable ?? 'use-cache') === 'use-cache';
    if (fallback && cached && unreachable(err)) {
      ctx.log.warn('config service unreachable: using the last good cached copy', {
        error: (err as Error).message,
        cachedAt: cached.savedAt,
        etag: cached.etag,
      });
      return { text: cached.body, etag: cached.etag, revision: cached.revision, fromCache: true, cachePath };
    }
    throw err;
  }
}

export async function downloadConfig(input: DownloadConfigInput, ctx: ServiceContext): Promise<DownloadConfigOutput> {
  const location = input.source.location;
  let fetched: Fetched & { cachePath?: string };
  let origin: string;
  if (isUrl(location)) {
    origin = safeUrl(location);
    fetched = await fetchHttp(location, input, ctx);
  } else {
    origin = location;
    try {
      fetched = { text: await readFile(location, { encoding: 'utf8', signal: ctx.signal }), fromCache: false };
    } catch (err) {
      throwIfAborted(ctx.signal, 'download_config_yaml');
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: location }, `cannot read detection config: ${why}`, { cause: err });
    }
  }
  // Validation errors name the source (URL or path), line, column and field; never retried.
  const config = parseDetectionConfig(fetched.text, origin);
  if (fetched.cachePath && !fetched.fromCache) {
    const entry: CacheEntry = { url: origin, etag: fetched.etag, revision: fetched.revision, body: fetched.text, savedAt: new Date().toISOString() };
    await writeJsonAtomic(fetched.cachePath, entry);
  }
  const file = join(input.runDir, CONFIG_FILE);
  await writeFileAtomic(file, fetched.text);
  ctx.log.info(`detection config version ${config.version}`, {
    origin,
    ...(fetched.etag ? { etag: fetched.etag } : {}),
    ...(fetched.revision ? { revision: fetched.revision } : {}),
    ...(fetched.fromCache ? { fromCache: true } : {}),
  });
  ctx.artifact({ name: CONFIG_FILE, uri: file });
  return { config, version: config.version, origin, etag: fetched.etag, revision: fetched.revision, fromCache: fetched.fromCache, file };
}
