/**
 * An S3-compatible server on loopback: s3rver (which verifies SigV4 with its account S3RVER /
 * S3RVER) behind a recording pass-through proxy, so tests can assert the requests the SDK really
 * made (PutObject vs CreateMultipartUpload/UploadPart, SSE headers) while s3rver stores the objects.
 * The proxy forwards the Host header unchanged: the signature covers it.
 */
import { createServer, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';

export const S3RVER_KEY = 'S3RVER';

export interface S3Request {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface S3Server {
  readonly endpoint: string;
  readonly requests: S3Request[];
  close(): Promise<void>;
}

export async function startS3Server(buckets: readonly string[]): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name })) });
  const { port: backend } = (await s3rver.run());
  const requests: S3Request[] = [];
  const proxy = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: { ...req.headers } });
    // no keep-alive to the backend, and a client that goes away takes its backend request along
    // (an aborted upload must not leave s3rver waiting for the rest of a body)
    const up = request({ host: '127.0.0.1', port: backend, method: req.method, path: req.url, headers: req.headers, agent: false }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await s3rver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
