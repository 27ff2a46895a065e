/**
 * A real node:http server on loopback for service tests: it records every request and answers
 * from a script (a queue of responses, then a fallback), so a test can say "500, then 200 with
 * this ETag" and then assert exactly what the client sent.
 *
 *   const srv = await startHttpServer();
 *   srv.script({ status: 500 }, { status: 200, headers: { etag: '"v1"' }, body: 'version: 1' });
 *   ... srv.url + '/config.yaml' ...
 *   expect(srv.requests[1]!.headers['if-none-match']).toBeUndefined();
 *   await srv.close();
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/configs/prod.yaml?x=1`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Never answer (the client must time out or abort); the socket is destroyed on close(). */
  readonly hang?: boolean;
  /** Destroy the connection without any response (a reset, seen by clients as a network error). */
  readonly reset?: boolean;
}

/** Decides a response from the request: for servers whose answer depends on what was asked. */
export type Responder = (req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** Queue responses, used one per request in order; then the fallback answers. */
  script(...responses: (ScriptedResponse | Responder)[]): void;
  /** What answers when the queue is empty (default: 404 "no scripted response"). */
  setFallback(responder: ScriptedResponse | Responder): void;
  /** Stops listening and destroys open connections (hung requests included). */
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: ScriptedResponse): void {
  if (r.hang) return;
  if (r.reset) {
    res.socket?.destroy();
    return;
  }
  const body = r.body ?? '';
  res.writeHead(r.status ?? 200, { 'content-length': String(Buffer.byteLength(body)), ...r.headers });
  res.end(body);
}

export async function startHttpServer(fallback: ScriptedResponse | Responder = { status: 404, body: 'no scripted response' }): Promise<TestHttpServer> {
  const queue: (ScriptedResponse | Responder)[] = [];
  const requests: RecordedRequest[] = [];
  let fallbackResponder = fallback;
  const server = createServer((req, res) => {
    void (async () => {
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: await readBody(req) };
      requests.push(recorded);
      const next = queue.shift() ?? fallbackResponder;
      send(res, typeof next === 'function' ? await next(recorded) : next);
    })().catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script: (...responses) => void queue.push(...responses),
    setFallback: (r) => void (fallbackResponder = r),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL where nothing listens (a server that was started and closed): connections are refused. */
export async function unusedUrl(): Promise<string> {
  const srv = await startHttpServer();
  await srv.close();
  return srv.url;
}
