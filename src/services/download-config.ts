/**
 * download_config_yaml: the detection config from a local path or the SkyU config service (http/s),
 * validated, logged with its version (and ETag / revision), and copied into the run directory.
 *
 * Over HTTP (see config-source/http.ts for what retries): `If-None-Match` with the cached ETag, so
 * an unchanged config (304) is served from the cache without downloading it again. When the
 * service is unreachable (network error, timeout, 5xx, 429) the error is retryable and the step's
 * retry policy retries it; on the LAST attempt (`input.attempts`, or at once when absent), with
 * `onUnreachable: use-cache` (the default) and a cached copy, that copy is used with a warning.
 * The revision is the `X-Config-Revision` response header; none when the service does not send it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DownloadConfigInput, DownloadConfigOutput, Env } from '../contracts.js';
import type { DetectionConfig } from '../config/detection-types.js';
import { parseDetectionConfig } from '../config/detection-config.js';
import { ConfigError, ErrorCode, HttpError, NetworkError, PipelineError, TimeoutError, throwIfAborted, errnoCode, messageOf } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { cachePathFor, readCache, writeCache, type CacheEntry } from './config-source/cache.js';
import { fetchConfig, safeUrl } from './config-source/http.js';
import type { ServiceContext } from './context.js';

export const CONFIG_FILE = 'detection-config.yaml';
export const DEFAULT_CONFIG_TIMEOUT_MS = 10_000;

interface Loaded {
  readonly text: string;
  readonly config: DetectionConfig;
  readonly etag?: string;
  readonly revision?: string;
  readonly fromCache: boolean;
  readonly stale?: boolean;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

function unreachable(err: unknown): boolean {
  return err instanceof NetworkError || err instanceof TimeoutError || (err instanceof HttpError && err.retryable);
}

function bearerToken(tokenEnv: string | undefined, secrets: Env | undefined): string | undefined {
  if (!tokenEnv) return undefined;
  const token = secrets?.[tokenEnv];
  if (!token) {
    throw new PipelineError(ErrorCode.SETTINGS_INVALID, `detectionConfig.tokenEnv: environment variable ${tokenEnv} is not set`, {
      details: { field: 'detectionConfig.tokenEnv', env: tokenEnv },
    });
  }
  return token;
}

async function loadHttp(url: string, input: DownloadConfigInput, ctx: ServiceContext): Promise<Loaded> {
  const origin = safeUrl(url);
  const token = bearerToken(input.source.tokenEnv, input.secrets);
  const cacheDir = input.source.cacheDir ?? join(dirname(input.runDir), '.cache', 'config');
  const cachePath = cachePathFor(cacheDir, url);
  const cached = await readCache(cachePath);
  const fromCached = (c: CacheEntry, stale: boolean): Loaded => ({
    text: c.body,
    config: parseDetectionConfig(c.body, origin),
    etag: c.etag,
    revision: c.revision,
    fromCache: true,
    ...(stale ? { stale } : {}),
  });
  try {
    const res = await fetchConfig(url, { token, etag: cached?.etag, timeoutMs: input.source.timeoutMs ?? DEFAULT_CONFIG_TIMEOUT_MS, signal: ctx.signal, allowHosts: input.source.allowHosts });
    if (res.kind === 'not-modified') {
      if (!cached) throw new HttpError(304, origin, `config service answered 304 Not Modified for ${origin} but there is no cached copy`, { retryable: false });
      ctx.log.info('config unchanged since the last download (304): using the cached copy', { origin, etag: cached.etag });
      return { ...fromCached(cached, false), revision: res.revision ?? cached.revision };
    }
    // Validate before caching: the cache only ever holds a config that passed the schema.
    const config = parseDetectionConfig(res.text, origin);
    // The cache is an optimisation: failing to write it must not fail a run that has its config.
    await writeCache(cachePath, { url: origin, etag: res.etag, revision: res.revision, version: config.version, body: res.text, savedAt: new Date().toISOString() }).catch(
      (err: unknown) => ctx.log.warn('cannot write the config cache; the next run downloads the config again', { cacheDir, error: messageOf(err) }),
    );
    return { text: res.text, config, etag: res.etag, revision: res.revision, fromCache: false };
  } catch (err) {
    const lastAttempt = ctx.attempt >= (input.attempts ?? 1);
    const fallback = (input.source.onUnreachable ?? 'use-cache') === 'use-cache';
    if (!unreachable(err) || !fallback || !cached) throw err;
    if (!lastAttempt) throw err; // let the step's retry policy try the service again first
    ctx.log.warn('config service unreachable: using the last good cached copy', {
      origin,
      error: messageOf(err),
      cachedAt: cached.savedAt,
      ...(cached.etag ? { etag: cached.etag } : {}),
    });
    return fromCached(cached, true);
  }
}

async function loadFile(location: string, input: DownloadConfigInput, ctx: ServiceContext): Promise<Loaded & { origin: string }> {
  const path = resolve(input.baseDir, location);
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal: ctx.signal });
  } catch (err) {
    throwIfAborted(ctx.signal, 'download_config_yaml');
    const why = errnoCode(err) === 'ENOENT' ? 'no such file' : messageOf(err);
    throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: location }, `cannot read the detection config: ${why}`, { cause: err });
  }
  return { origin: location, text, config: parseDetectionConfig(text, location), fromCache: false };
}

export async function downloadConfig(input: DownloadConfigInput, ctx: ServiceContext): Promise<DownloadConfigOutput> {
  throwIfAborted(ctx.signal, 'download_config_yaml');
  const location = input.source.location;
  const { origin, ...got } = isUrl(location) ? { origin: safeUrl(location), ...(await loadHttp(location, input, ctx)) } : await loadFile(location, input, ctx);
  const file = join(input.runDir, CONFIG_FILE);
  try {
    await writeFileAtomic(file, got.text);
  } catch (err) {
    throw new PipelineError(ErrorCode.IO, `cannot write ${file}: ${messageOf(err)}`, { cause: err });
  }
  const version = got.config.version;
  ctx.log.info(`detection config version ${version}`, {
    origin,
    version,
    ...(got.etag ? { etag: got.etag } : {}),
    ...(got.revision ? { revision: got.revision } : {}),
    ...(got.fromCache ? { fromCache: true } : {}),
    ...(got.stale ? { stale: true } : {}),
  });
  ctx.artifact({ name: CONFIG_FILE, uri: file, bytes: Buffer.byteLength(got.text) });
  return {
    config: got.config,
    version,
    origin,
    ...(got.etag ? { etag: got.etag } : {}),
    ...(got.revision ? { revision: got.revision } : {}),
    fromCache: got.fromCache,
    ...(got.stale ? { stale: true } : {}),
    file,
  };
}
