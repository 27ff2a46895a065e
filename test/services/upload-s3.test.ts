/**
 * S3 upload with the real SDK (client-s3, lib-storage, presigner) against s3rver on loopback.
 * The credentials are s3rver's dummy account, set in this process only.
 */
import { useLoopbackAwsCredentials } from '../helpers/aws-env.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { plannedS3Uri, putParams, s3ClientConfig, s3KeyFor, uploadToS3, type S3Settings } from '../../src/services/upload/s3.js';
import { plannedReportUri, uploadReport } from '../../src/services/upload/index.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { AbortedError, PipelineError } from '../../src/errors.js';
import { S3RVER_KEY, startS3Server, type S3Server } from '../helpers/s3-server.js';
import { startHttpServer } from '../helpers/http-server.js';

let server: S3Server;
let runDir: string;

useLoopbackAwsCredentials(S3RVER_KEY, S3RVER_KEY);
beforeEach(async () => {
  server = await startS3Server(['reports']);
  runDir = await mkdtemp(join(tmpdir(), 'upload-s3-'));
  await writeFile(join(runDir, 'report.html'), '<html><body>3 anomalies &amp; more</body></html>\n');
  await writeFile(join(runDir, 'report.json'), '{"anomalies":3}\n');
  await mkdir(join(runDir, 'emails'));
  await writeFile(join(runDir, 'emails', '1-ops.eml'), 'Subject: hi\r\n\r\nbody\r\n');
});
afterEach(async () => {
  await server.close();
  await rm(runDir, { recursive: true, force: true });
});

const settings = (over: Partial<S3Settings> = {}): S3Settings => ({
  type: 's3',
  bucket: 'reports',
  prefix: '/anomaly/reports/',
  region: 'us-east-1',
  endpoint: server.endpoint,
  forcePathStyle: true,
  ...over,
});

const upload = (s: S3Settings, artifacts: string[], ctx = createStandaloneContext()) =>
  uploadToS3({ runDir, runId: 'run-7', baseDir: runDir, upload: s, artifacts }, ctx);

async function getObject(key: string): Promise<{ body: Buffer; contentType?: string }> {
  const client = new S3Client({ region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true });
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: 'reports', Key: key }));
    return { body: Buffer.from(await res.Body!.transformToByteArray()), contentType: res.ContentType };
  } finally {
    client.destroy();
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('S3 upload', () => {
  it('uploads small artifacts with single PUTs under <prefix><runId>/, with content types, and returns s3:// URIs', async () => {
    const ctx = createStandaloneContext();
    const out = await upload(settings(), ['report.html', 'report.json', 'emails/1-ops.eml'], ctx);
    expect(out.uri).toBe('s3://reports/anomaly/reports/run-7/report.html');
    expect(out.link).toBeUndefined();
    expect(out.files.map((f) => f.uri)).toEqual([
      's3://reports/anomaly/reports/run-7/report.html',
      's3://reports/anomaly/reports/run-7/report.json',
      's3://reports/anomaly/reports/run-7/emails/1-ops.eml',
    ]);
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual([
      '/reports/anomaly/reports/run-7/report.html',
      '/reports/anomaly/reports/run-7/report.json',
      '/reports/anomaly/reports/run-7/emails/1-ops.eml',
    ]);
    expect(server.requests.some((r) => r.query.has('uploads'))).toBe(false);
    const html = await getObject('anomaly/reports/run-7/report.html');
    expect(html.body.toString()).toBe(await readFile(join(runDir, 'report.html'), 'utf8'));
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect((await getObject('anomaly/reports/run-7/emails/1-ops.eml')).contentType).toBe('message/rfc822');
    expect(ctx.artifacts.map((a) => a.name)).toEqual(['report.html', 'report.json', 'emails/1-ops.eml']);
    expect(ctx.progressUpdates.filter((p) => p.unit === 'files').at(-1)).toMatchObject({ current: 3, total: 3 });
  });

  it('uses a multipart upload in partSizeMb parts for a large artifact, and the object is intact', async () => {
    const big = randomBytes(11 * 1024 * 1024 + 123);
    await writeFile(join(runDir, 'events.ndjson'), big);
    const ctx = createStandaloneContext();
    const out = await upload(settings({ partSizeMb: 5 }), ['events.ndjson'], ctx);
    expect(out.files[0]).toEqual({ name: 'events.ndjson', uri: 's3://reports/anomaly/reports/run-7/events.ndjson', bytes: big.length });
    expect(server.requests.filter((r) => r.method === 'POST' && r.query.has('uploads'))).toHaveLength(1);
    const parts = server.requests.filter((r) => r.method === 'PUT' && r.query.has('partNumber'));
    expect(parts.map((r) => Number(r.query.get('partNumber'))).sort()).toEqual([1, 2, 3]);
    expect(server.requests.filter((r) => r.method === 'POST' && r.query.has('uploadId'))).toHaveLength(1);
    expect(sha((await getObject('anomaly/reports/run-7/events.ndjson')).body)).toBe(sha(big));
    expect(ctx.progressUpdates.filter((p) => p.unit === 'bytes').at(-1)).toMatchObject({ current: big.length, total: big.length });
  });

  it('is what the upload dispatcher runs for upload.type s3 (planned URI and upload)', async () => {
    const s = settings();
    expect(await plannedReportUri(s, 'run-7', runDir)).toBe('s3://reports/anomaly/reports/run-7/report.html');
    const out = await uploadReport({ runDir, runId: 'run-7', baseDir: runDir, upload: s, artifacts: ['report.html'] }, createStandaloneContext());
    expect(out.uri).toBe('s3://reports/anomaly/reports/run-7/report.html');
    expect((await getObject('anomaly/reports/run-7/report.html')).body.toString()).toContain('3 anomalies');
  });

  it('plans a presigned link before the upload that downloads the report after it', async () => {
    const s = settings({ presignSeconds: 900 });
    const planned = await plannedS3Uri(s, 'run-7');
    expect(planned).toMatch(new RegExp(`^${server.endpoint}/reports/anomaly/reports/run-7/report\\.html\\?.*X-Amz-Expires=900`));
    expect(server.requests).toHaveLength(0); // presigning is local
    expect((await fetch(planned!)).status).toBe(404);

    const out = await upload(s, ['report.html', 'report.json']);
    expect(out.uri).toBe('s3://reports/anomaly/reports/run-7/report.html');
    for (const link of [planned!, out.link!]) {
      const res = await fetch(link);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('3 anomalies &amp; more');
    }
    expect(await plannedS3Uri(settings({ prefix: undefined }), 'run-7')).toBe('s3://reports/run-7/report.html');
  });

  it('sends server-side encryption headers (KMS with a key id)', async () => {
    await upload(settings({ sse: 'aws:kms', kmsKeyId: 'alias/reports' }), ['report.json']);
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(put.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/reports');
    await upload(settings({ sse: 'AES256' }), ['report.json']);
    expect(server.requests.filter((r) => r.method === 'PUT').at(-1)!.headers['x-amz-server-side-encryption']).toBe('AES256');
  });

  it('fails clearly: bad settings before any request, a missing bucket not retryable', async () => {
    await expect(upload(settings({ bucket: 'Bad_Bucket' }), ['report.json'])).rejects.toThrow(/upload\.bucket: not a valid S3 bucket name/);
    await expect(upload(settings({ kmsKeyId: 'k' }), ['report.json'])).rejects.toThrow(/upload\.kmsKeyId: is only used with sse: aws:kms/);
    expect(server.requests).toHaveLength(0);
    const err = (await upload(settings({ bucket: 'missing-bucket' }), ['report.json']).catch((e: unknown) => e)) as PipelineError;
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).toMatchObject({ code: 'AWS', retryable: false });
    expect(err.message).toMatch(/report\.json to s3:\/\/missing-bucket\/.*NoSuchBucket/);
  });

  it('a 503 is one request, retryable: the SDK does not retry under the step policy', async () => {
    const busy = await startHttpServer();
    try {
      busy.setFallback({ status: 503, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>SlowDown</Code><Message>busy</Message></Error>' });
      const err = (await upload(settings({ endpoint: busy.url }), ['report.json']).catch((e: unknown) => e)) as PipelineError;
      expect(err).toMatchObject({ code: 'AWS', retryable: true });
      expect(busy.requests).toHaveLength(1);
    } finally {
      await busy.close();
    }
  });

  it('aborts a multipart upload on cancel: the parts are discarded and no object appears', async () => {
    await writeFile(join(runDir, 'events.ndjson'), randomBytes(16 * 1024 * 1024));
    const ac = new AbortController();
    const ctx = createStandaloneContext({ signal: ac.signal });
    const p = upload(settings({ partSizeMb: 5 }), ['events.ndjson'], ctx);
    const started = Date.now();
    while (!server.requests.some((r) => r.query.has('partNumber')) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    expect(server.requests.some((r) => r.method === 'DELETE' && r.query.has('uploadId'))).toBe(true);
    await expect(getObject('anomaly/reports/run-7/events.ndjson')).rejects.toThrow(/NoSuchKey|does not exist/);
  });
});

describe('s3KeyFor', () => {
  it('normalizes the prefix slashes', () => {
    expect(s3KeyFor({ prefix: 'a/b' }, 'r', 'x.json')).toBe('a/b/r/x.json');
    expect(s3KeyFor({ prefix: '' }, 'r', 'x.json')).toBe('r/x.json');
    expect(s3KeyFor({}, 'r', 'emails/1.eml')).toBe('r/emails/1.eml');
  });
});

describe('s3ClientConfig and putParams', () => {
  const s: S3Settings = { type: 's3', bucket: 'b', region: 'eu-west-1' };
  const file = { name: 'report.json', path: '/x', bytes: 1, contentType: 'application/json' };
  it('keeps the SDK checksum defaults for AWS and asks only when required of a custom endpoint', () => {
    expect(s3ClientConfig(s)).toEqual({ region: 'eu-west-1', maxAttempts: 1 });
    expect(s3ClientConfig({ ...s, endpoint: 'http://127.0.0.1:9', forcePathStyle: true })).toMatchObject({
      requestChecksumCalculation: 'WHEN_REQUIRED',
      forcePathStyle: true,
    });
  });
  it('sets the KMS key only with sse aws:kms', () => {
    expect(putParams(s, 'k', file)).toEqual({ Bucket: 'b', Key: 'k', ContentType: 'application/json' });
    expect(putParams({ ...s, sse: 'AES256' }, 'k', file)).toMatchObject({ ServerSideEncryption: 'AES256' });
    expect(putParams({ ...s, sse: 'aws:kms', kmsKeyId: 'alias/x' }, 'k', file)).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/x' });
  });
});
