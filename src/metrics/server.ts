/**
 * `/metrics` over HTTP, bound to 127.0.0.1 unless told otherwise (metrics name hosts and steps;
 * they are not for the open network). Anything else is 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { messageOf } from '../errors.js';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  registry: Registry,
  opts: { port: number; host?: string; extra?: (req: IncomingMessage, res: ServerResponse) => boolean },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (opts.extra?.(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${messageOf(err)}\n`),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise((r) => {
        // Server-sent event streams never end on their own.
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
