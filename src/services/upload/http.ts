/**
 * `upload.type: http`: PUTs each artifact to `<baseUrl>/<runId>/<name>`.
 *
 * Each request carries Content-Type, Content-Length and two checksums of the body so the file
 * service can refuse a corrupted upload: `Content-MD5` (RFC 1864: base64 of the MD5 digest, what
 * most object stores verify) and `x-checksum-sha256` (hex SHA-256, for services that want a
 * modern hash). Authorization is `Bearer <token>` from the env var named by `tokenEnv`.
 *
 * One PUT per file per attempt: 5xx, 408, 429, timeouts and network errors fail the attempt as
 * retryable and the step's retry policy (src/util/retry.ts) tries again (a PUT of the same bytes
 * is idempotent); other 4xx fail at once. No retry here, so `attempts: N` means at most N PUTs of a
 * file. The URI is the response's Location header when the service sends one, else the PUT URL.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Env } from '../../contracts.js';
import type { UploadSettings } from '../../config/settings-types.js';
import { AbortedError, ErrorCode, HttpError, NetworkError, PipelineError, TimeoutError, throwIfAborted, messageOf } from '../../errors.js';
import { truncate } from '../../util/sanitize.js';
import { reportUriOf, resolveArtifacts, REPORT_NAME } from './artifacts.js';
import type { ArtifactFile, Uploader } from './types.js';

type HttpSettings = Extract<UploadSettings, { type: 'http' }>;

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

export function putUrlFor(baseUrl: string, runId: string, name: string): string {
  const path = [runId, ...name.split('/')].map(encodeURIComponent).join('/');
  return `${baseUrl.replace(/\/+$/, '')}/${path}`;
}

export async function checksums(path: string, signal: AbortSignal): Promise<{ md5: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return { md5: md5.digest('base64'), sha256: sha256.digest('hex') };
}

interface PutResponse {
  readonly status: number;
  readonly location?: string;
  readonly retryAfter?: string;
  readonly body: string;
}

function putOnce(url: string, file: ArtifactFile, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<PutResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  const target = new URL(url);
  const mod = target.protocol === 'https:' ? https : http;
  return new Promise<PutResponse>((resolve, reject) => {
    const fail = (err: Error & { code?: string }) => {
      if (signal.aborted) reject(new AbortedError(`upload of ${file.name} aborted`, { cause: err }));
      else if (timeout.aborted) reject(new TimeoutError(`PUT ${url} timed out after ${timeoutMs} ms`, { cause: err }));
      else reject(new NetworkError(`PUT ${url} failed: ${err.code ?? err.message}`, { cause: err }));
    };
    const req = mod.request(target, { method: 'PUT', headers, signal: both });
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < 4096) chunks.push(c);
        kept += c.length;
      });
      res.on('error', fail);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          retryAfter: res.headers['retry-after'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    const body = createReadStream(file.path);
    body.on('error', (err) => req.destroy(err));
    body.pipe(req);
  });
}

function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The Location a service answered with, resolved; only http(s), since it ends up as a link. */
export function locationUri(location: string | undefined, putUrl: string, warn: (msg: string, fields: Record<string, unknown>) => void): string {
  if (!location) return putUrl;
  try {
    const u = new URL(location, putUrl);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch {
    // fall through: an unusable Location is reported and the PUT URL kept
  }
  warn('ignoring an unusable Location header from the file service', { location: truncate(location, 200), uri: putUrl });
  return putUrl;
}

function bearer(settings: HttpSettings, secrets: Env | undefined): Record<string, string> {
  if (!settings.tokenEnv) return {};
  const token = secrets?.[settings.tokenEnv];
  if (!token) {
    throw new PipelineError(ErrorCode.SETTINGS_INVALID, `upload.tokenEnv: environment variable ${settings.tokenEnv} is not set`, {
      retryable: false,
      details: { field: 'upload.tokenEnv', env: settings.tokenEnv },
    });
  }
  return { authorization: `Bearer ${token}` };
}

export function httpUploader(settings: HttpSettings): Uploader {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  return {
    plannedUri(runId) {
      // A service that answers with a different Location wins at upload time (the email, sent
      // after the upload, links that); report.json, written before, names the PUT URL.
      return Promise.resolve(putUrlFor(settings.baseUrl, runId, REPORT_NAME));
    },
    async upload(input, ctx) {
      const auth = bearer(settings, input.secrets);
      const files = await resolveArtifacts(input.runDir, input.artifacts);
      const out: { name: string; uri: string; bytes: number }[] = [];
      for (const [i, f] of files.entries()) {
        throwIfAborted(ctx.signal, 'upload_report');
        const url = putUrlFor(settings.baseUrl, input.runId, f.name);
        const sums = await checksums(f.path, ctx.signal).catch((err: unknown) => {
          throwIfAborted(ctx.signal, 'upload_report');
          throw new PipelineError(ErrorCode.IO, `cannot read ${f.path}: ${messageOf(err)}`, { cause: err });
        });
        const headers = {
          ...auth,
          'content-type': f.contentType,
          'content-length': String(f.bytes),
          'content-md5': sums.md5,
          'x-checksum-sha256': sums.sha256,
        };
        const res = await putOnce(url, f, headers, timeoutMs, ctx.signal);
        if (res.status < 200 || res.status >= 300) {
          const detail = res.body.trim() ? `: ${truncate(res.body.trim().replace(/\s+/g, ' '), 200)}` : '';
          throw new HttpError(res.status, url, `HTTP ${res.status} from PUT ${url}${detail}`, { details: { retryAfterMs: retryAfterMs(res.retryAfter) } });
        }
        const uri = locationUri(res.location, url, (msg, fields) => ctx.log.warn(msg, fields));
        out.push({ name: f.name, uri, bytes: f.bytes });
        ctx.artifact({ name: f.name, uri, bytes: f.bytes });
        ctx.progress({ unit: 'files', current: i + 1, total: files.length, label: f.name });
      }
      const uri = reportUriOf(out);
      ctx.log.info('report uploaded', { baseUrl: settings.baseUrl, files: out.length, uri });
      return { uri, files: out };
    },
  };
}
