import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { plannedReportUri, uploadReport } from '../../src/services/upload/index.js';
import { createStandaloneContext } from '../../src/services/context.js';
import type { UploadSettings } from '../../src/config/settings-types.js';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  /** Both checksum headers matched the body the server received. */
  readonly verified: boolean;
}

/** A file service on loopback: stores PUT bodies after verifying their checksums. */
interface PutServer {
  readonly baseUrl: string;
  readonly received: Received[];
  readonly stored: Map<string, Buffer>;
  /** Per request: return a status to answer with instead of storing (undefined = store, 200). */
  override?: (req: IncomingMessage, n: number) => { status: number; headers?: Record<string, string> } | 'hang' | undefined;
  requestSeen: Promise<void>;
  close(): Promise<void>;
}

async function startPutServer(): Promise<PutServer> {
  let seen!: () => void;
  const state: PutServer = {
    baseUrl: '',
    received: [],
    stored: new Map(),
    requestSeen: new Promise<void>((r) => (seen = r)),
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const n = state.received.length + 1;
    seen();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const md5 = createHash('md5').update(body).digest('base64');
      const sha = createHash('sha256').update(body).digest('hex');
      const verified = req.headers['content-md5'] === md5 && req.headers['x-checksum-sha256'] === sha && Number(req.headers['content-length']) === body.length;
      state.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, verified });
      const o = state.override?.(req, n);
      if (o === 'hang') return; // never answer
      if (o) {
        res.writeHead(o.status, o.headers).end(`status ${o.status}`);
        return;
      }
      if (!verified) {
        res.writeHead(400).end('checksum mismatch');
        return;
      }
      state.stored.set(req.url ?? '', body);
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/files`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

let runDir: string;
let srv: PutServer;
const HTML = '<html><body>report ✓</body></html>';
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'upload-http-'));
  await mkdir(join(runDir, 'emails'));
  await writeFile(join(runDir, 'report.html'), HTML);
  await writeFile(join(runDir, 'report.json'), JSON.stringify({ a: 1 }));
  await writeFile(join(runDir, 'emails', '1-a@x.test.eml'), 'Subject: x\r\n\r\nbody');
  srv = await startPutServer();
  process.env.TEST_UPLOAD_TOKEN = 'tok-123';
});
afterEach(async () => {
  delete process.env.TEST_UPLOAD_TOKEN;
  await srv.close();
  await rm(runDir, { recursive: true, force: true });
});

function settings(over: Partial<Extract<UploadSettings, { type: 'http' }>> = {}): UploadSettings {
  return { type: 'http', baseUrl: srv.baseUrl + '/', tokenEnv: 'TEST_UPLOAD_TOKEN', timeoutMs: 5_000, ...over };
}

const artifacts = ['report.html', 'report.json', 'emails/1-a@x.test.eml'];

describe('uploadReport http', () => {
  it('PUTs every artifact with content type, length, checksums and bearer token; the URI is the PUT URL', async () => {
    const ctx = createStandaloneContext();
    const out = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload: settings(), baseDir: runDir, artifacts }, ctx);
    expect(srv.received.map((r) => [r.method, r.path])).toEqual([
      ['PUT', '/files/run-9/report.html'],
      ['PUT', '/files/run-9/report.json'],
      ['PUT', '/files/run-9/emails/1-a%40x.test.eml'],
    ]);
    expect(srv.received.every((r) => r.verified)).toBe(true);
    expect(srv.stored.get('/files/run-9/report.html')?.toString('utf8')).toBe(HTML);
    const html = srv.received[0].headers;
    expect(html['content-type']).toBe('text/html; charset=utf-8');
    expect(html['content-length']).toBe(String(Buffer.byteLength(HTML)));
    expect(html.authorization).toBe('Bearer tok-123');
    expect(srv.received[2].headers['content-type']).toBe('message/rfc822');
    expect(out.uri).toBe(`${srv.baseUrl}/run-9/report.html`);
    expect(await plannedReportUri(settings(), 'run-9', runDir)).toBe(out.uri);
    expect(ctx.artifacts.map((a) => a.uri)).toEqual(out.files.map((f) => f.uri));
    expect(ctx.progressUpdates.map((p) => p.current)).toEqual([1, 2, 3]);
    expect(JSON.stringify(ctx.logs)).not.toContain('tok-123');
  });

  it('uses the Location header when the file service returns one', async () => {
    srv.override = (req) => (req.url?.endsWith('report.html') ? { status: 201, headers: { location: '/objects/abc123' } } : undefined);
    const out = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload: settings(), baseDir: runDir, artifacts }, createStandaloneContext());
    expect(out.uri).toBe(new URL('/objects/abc123', srv.baseUrl).href);
    expect(out.files[1].uri).toBe(`${srv.baseUrl}/run-9/report.json`);
  });

  it('a 500 fails the attempt after one PUT, retryable (the step retries), and the next attempt succeeds', async () => {
    srv.override = (_req, n) => (n === 1 ? { status: 500 } : undefined);
    const ctx = createStandaloneContext();
    const input = { secrets: process.env, runDir, runId: 'run-9', upload: settings(), baseDir: runDir, artifacts: ['report.html'] };
    await expect(uploadReport(input, ctx)).rejects.toMatchObject({ name: 'HttpError', status: 500, retryable: true });
    expect(srv.received.map((r) => r.path)).toEqual(['/files/run-9/report.html']);
    const out = await uploadReport(input, ctx);
    expect(out.uri).toBe(`${srv.baseUrl}/run-9/report.html`);
    expect(srv.received).toHaveLength(2);
    expect(srv.stored.get('/files/run-9/report.html')?.toString('utf8')).toBe(HTML);
  });

  it('does not retry a 403, and the error is not retryable', async () => {
    srv.override = () => ({ status: 403 });
    const err = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload: settings(), baseDir: runDir, artifacts }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HttpError', status: 403, retryable: false });
    expect(srv.received).toHaveLength(1);
  });

  it('a 503 is one PUT and a retryable error (no retry layer inside the service)', async () => {
    srv.override = () => ({ status: 503 });
    const err = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload: settings(), baseDir: runDir, artifacts: ['report.json'] }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HttpError', status: 503, retryable: true });
    expect(srv.received).toHaveLength(1);
  });

  it('a hanging service times out with a retryable error', async () => {
    srv.override = () => 'hang';
    const upload = settings({ timeoutMs: 150 });
    const err = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload, baseDir: runDir, artifacts: ['report.json'] }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError', retryable: true });
    expect(srv.received).toHaveLength(1);
  });

  it('abort mid-upload stops at once with AbortedError and no retry', async () => {
    srv.override = () => 'hang';
    const ac = new AbortController();
    const uploading = uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload: settings(), baseDir: runDir, artifacts }, createStandaloneContext({ signal: ac.signal }));
    await srv.requestSeen;
    ac.abort();
    await expect(uploading).rejects.toMatchObject({ code: 'ABORTED' });
    expect(srv.received.length).toBeLessThanOrEqual(1);
    expect(srv.stored.size).toBe(0);
  });

  it('a refused connection is a retryable network error after one try', async () => {
    const upload = settings({ baseUrl: 'http://127.0.0.1:1/files' });
    const ctx = createStandaloneContext();
    const err = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload, baseDir: runDir, artifacts: ['report.json'] }, ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NetworkError', retryable: true });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect(ctx.logs.filter((l) => /retry/.test(l.msg))).toHaveLength(0);
  });

  it('a missing token env var is a settings error naming the variable', async () => {
    const err = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload: settings({ tokenEnv: 'NOPE_TOKEN' }), baseDir: runDir, artifacts }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SETTINGS_INVALID', retryable: false, message: 'upload.tokenEnv: environment variable NOPE_TOKEN is not set' });
    expect(srv.received).toHaveLength(0);
  });
});

describe('uploadReport http Location', () => {
  it('ignores a Location that is not http(s), with a warning', async () => {
    srv.override = () => ({ status: 201, headers: { location: 'javascript:alert(1)' } });
    const ctx = createStandaloneContext();
    const out = await uploadReport({ secrets: process.env, runDir, runId: 'run-9', upload: settings(), baseDir: runDir, artifacts: ['report.html'] }, ctx);
    expect(out.uri).toBe(`${srv.baseUrl}/run-9/report.html`);
    expect(ctx.logs.some((l) => l.level === 'warn' && /Location/.test(l.msg))).toBe(true);
  });
});
