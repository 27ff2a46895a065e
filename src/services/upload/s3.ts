/**
 * `upload.type: s3`: each artifact to `s3://<bucket>/<prefix><runId>/<name>` through lib-storage's
 * Upload (a single PutObject for small files, a multipart upload in `partSizeMb` parts for large
 * ones, aborted and cleaned up on failure or cancel), with its content type and optional
 * server-side encryption. The report's URI is `s3://...`; with `presignSeconds`, a presigned
 * https GET link to report.html is also made, for people (the email links it).
 *
 * The report files (written before the upload) name the planned URI; presigning is a local
 * signature over the key and needs no object. The email, sent after the upload, links the output's.
 */
import { createReadStream } from 'node:fs';
import { AbortMultipartUploadCommand, GetObjectCommand, S3Client, type PutObjectCommandInput, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadInput, UploadOutput } from '../../contracts.js';
import type { UploadSettings } from '../../config/settings-types.js';
import type { ServiceContext } from '../context.js';
import { AbortedError, ErrorCode, PipelineError, throwIfAborted } from '../../errors.js';
// one mapping of AWS SDK failures to pipeline errors for every AWS step
import { awsError } from '../ingest/cloudwatch/errors.js';
import { REPORT_NAME, reportUriOf, resolveArtifacts } from './artifacts.js';
import type { ArtifactFile, Uploader } from './types.js';

export type S3Settings = Extract<UploadSettings, { type: 's3' }>;

const MIB = 1024 * 1024;
/** S3's minimum part size; lib-storage's default too. */
export const DEFAULT_PART_SIZE_MB = 8;
const QUEUE_SIZE = 4;
const BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function invalid(field: string, problem: string): PipelineError {
  return new PipelineError(ErrorCode.SETTINGS_INVALID, `upload.${field}: ${problem}`, { retryable: false, details: { field: `upload.${field}` } });
}

export function validateS3Settings(s: S3Settings): void {
  if (!BUCKET.test(s.bucket)) throw invalid('bucket', `not a valid S3 bucket name (3-63 of a-z 0-9 . -): ${JSON.stringify(s.bucket)}`);
  if (s.kmsKeyId && s.sse !== 'aws:kms') throw invalid('kmsKeyId', 'is only used with sse: aws:kms');
  if (s.partSizeMb !== undefined && !(s.partSizeMb >= 5)) throw invalid('partSizeMb', `S3 parts are at least 5 MB, got ${s.partSizeMb}`);
}

/** `<prefix><runId>/<name>`; the prefix gets one trailing slash and no leading one. */
export function s3KeyFor(s: Pick<S3Settings, 'prefix'>, runId: string, name: string): string {
  const prefix = (s.prefix ?? '').replace(/^\/+/, '').replace(/\/*$/, '');
  return `${prefix ? `${prefix}/` : ''}${runId}/${name}`;
}

export const s3UriFor = (bucket: string, key: string) => `s3://${bucket}/${key}`;

export function s3ClientConfig(s: S3Settings): S3ClientConfig {
  return {
    region: s.region,
    // One request per SDK call: upload_report's retry policy is the one retry layer (src/util/retry.ts).
    maxAttempts: 1,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.forcePathStyle !== undefined ? { forcePathStyle: s.forcePathStyle } : {}),
    ...(s.profile ? { profile: s.profile } : {}),
    // S3-compatible stores behind a custom endpoint often lack the flexible-checksum trailers the
    // SDK sends by default; AWS itself gets the SDK default (checksums on every upload).
    ...(s.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
  };
}

export function putParams(s: S3Settings, key: string, file: ArtifactFile): Omit<PutObjectCommandInput, 'Body'> {
  return {
    Bucket: s.bucket,
    Key: key,
    ContentType: file.contentType,
    ...(s.sse ? { ServerSideEncryption: s.sse } : {}),
    ...(s.sse === 'aws:kms' && s.kmsKeyId ? { SSEKMSKeyId: s.kmsKeyId } : {}),
  };
}

async function presign(client: S3Client, s: S3Settings, key: string): Promise<string> {
  return getSignedUrl(client, new GetObjectCommand({ Bucket: s.bucket, Key: key }), { expiresIn: s.presignSeconds });
}

/**
 * Where report.html will be: the presigned https link when `presignSeconds` is set, else its
 * s3:// URI. Presigning needs credentials only, not the object; when none resolve, the s3:// URI
 * is returned (the upload itself then fails with the credentials error).
 */
export async function plannedS3Uri(upload: S3Settings, runId: string): Promise<string | undefined> {
  validateS3Settings(upload);
  const key = s3KeyFor(upload, runId, REPORT_NAME);
  if (!upload.presignSeconds) return s3UriFor(upload.bucket, key);
  const client = new S3Client(s3ClientConfig(upload));
  try {
    return await presign(client, upload, key);
  } catch {
    return s3UriFor(upload.bucket, key);
  } finally {
    client.destroy();
  }
}

/**
 * lib-storage rejects at once on abort but lets in-flight parts run on and may never send
 * AbortMultipartUpload; the parts of an abandoned upload cost storage until a lifecycle rule
 * removes them. So the client records the UploadId of each open multipart upload (middleware on
 * the documented stack), and a failed or cancelled upload is aborted here explicitly.
 */
function trackMultipartUploads(client: S3Client): Map<string, string> {
  const open = new Map<string, string>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { Key?: string };
      const output = result.output as { UploadId?: string };
      if (context.commandName === 'CreateMultipartUploadCommand' && input.Key && output.UploadId) open.set(input.Key, output.UploadId);
      if ((context.commandName === 'CompleteMultipartUploadCommand' || context.commandName === 'AbortMultipartUploadCommand') && input.Key) open.delete(input.Key);
      return result;
    },
    { step: 'initialize', name: 'trackMultipartUploads' },
  );
  return open;
}

async function abandon(client: S3Client, bucket: string, key: string, open: Map<string, string>): Promise<void> {
  const uploadId = open.get(key);
  if (!uploadId) return;
  open.delete(key);
  // best effort, bounded: a cancel must not wait long on cleanup
  await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }), { abortSignal: AbortSignal.timeout(10_000) }).catch(() => {});
}

async function uploadOne(client: S3Client, open: Map<string, string>, s: S3Settings, key: string, file: ArtifactFile, ctx: ServiceContext): Promise<void> {
  const upload = new Upload({
    client,
    params: { ...putParams(s, key, file), Body: createReadStream(file.path), ContentLength: file.bytes },
    partSize: Math.round((s.partSizeMb ?? DEFAULT_PART_SIZE_MB) * MIB),
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  });
  upload.on('httpUploadProgress', (p) => ctx.progress({ unit: 'bytes', current: p.loaded ?? 0, total: file.bytes, label: file.name }));
  const onAbort = () => void upload.abort().catch(() => {});
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await upload.done();
  } catch (err) {
    await abandon(client, s.bucket, key, open);
    throwIfAborted(ctx.signal, `upload of ${file.name}`);
    if (err instanceof Error && err.name === 'AbortError') throw new AbortedError(`upload of ${file.name} aborted`, { cause: err });
    throw awsError(err, `upload of ${file.name} to ${s3UriFor(s.bucket, key)}`);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

export async function uploadToS3(input: UploadInput & { upload: S3Settings }, ctx: ServiceContext): Promise<UploadOutput> {
  const s = input.upload;
  validateS3Settings(s);
  throwIfAborted(ctx.signal, 'upload_report');
  const files = await resolveArtifacts(input.runDir, input.artifacts);
  const client = new S3Client(s3ClientConfig(s));
  const open = trackMultipartUploads(client);
  const out: { name: string; uri: string; bytes: number }[] = [];
  try {
    for (const [i, f] of files.entries()) {
      throwIfAborted(ctx.signal, 'upload_report');
      const key = s3KeyFor(s, input.runId, f.name);
      await uploadOne(client, open, s, key, f, ctx);
      const uri = s3UriFor(s.bucket, key);
      out.push({ name: f.name, uri, bytes: f.bytes });
      ctx.artifact({ name: f.name, uri, bytes: f.bytes });
      ctx.progress({ unit: 'files', current: i + 1, total: files.length, label: f.name });
    }
    const uri = reportUriOf(out);
    const reportKey = uri.slice(`s3://${s.bucket}/`.length);
    const link = s.presignSeconds ? await presign(client, s, reportKey) : undefined;
    // the link is a bearer credential for presignSeconds: it goes in the output and the email, not the log
    ctx.log.info('report uploaded to S3', { bucket: s.bucket, files: out.length, uri, ...(link ? { presignedForSeconds: s.presignSeconds } : {}) });
    return { uri, files: out, ...(link ? { link } : {}) };
  } finally {
    client.destroy();
  }
}

/** The backend for the upload dispatcher (./index.ts). */
export function s3Uploader(settings: S3Settings): Uploader {
  return {
    plannedUri: (runId) => plannedS3Uri(settings, runId),
    upload: (input, ctx) => uploadToS3({ ...input, upload: settings }, ctx),
  };
}
