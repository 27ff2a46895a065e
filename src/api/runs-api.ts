/**
 * The dashboard's data, as JSON over HTTP on serve's port (no browser UI yet):
 * - `GET /api/runs[?status=S&limit=N]`: the local runs folder, newest first (as `runs --json`);
 * - `GET /api/runs/<id>`: that run's run.json (404 when absent, 422 when it does not parse);
 * - `GET /api/events[?run=<id>]`: server-sent events, one bus event per message, live.
 * Run ids are checked against the run-id pattern before touching the disk (no path tricks).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { BusEvent } from '../bus/events.js';
import { RUN_RECORD_FILE } from '../runtime/record.js';
import { listLocalRuns } from '../runs/local-runs.js';
import { messageOf } from '../errors.js';

const RUN_ID = /^[A-Za-z0-9._-]{1,64}$/;

export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean;

const json = (res: ServerResponse, code: number, body: unknown) =>
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }).end(JSON.stringify(body));

export function createRunsApi(opts: { runsDir: string; events$: Observable<BusEvent> }): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || !url.pathname.startsWith('/api/')) return false;
    if (url.pathname === '/api/runs') {
      const status = url.searchParams.getAll('status');
      const limit = Number(url.searchParams.get('limit') ?? 50);
      listLocalRuns(opts.runsDir, { status, limit: Number.isInteger(limit) && limit > 0 ? limit : 50 }).then(
        (runs) => json(res, 200, runs),
        (err: unknown) => json(res, 500, { error: messageOf(err) }),
      );
      return true;
    }
    const one = /^\/api\/runs\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const id = decodeURIComponent(one[1]);
      if (!RUN_ID.test(id) || id === '.' || id === '..') return json(res, 400, { error: 'not a run id' }), true;
      readFile(join(opts.runsDir, id, RUN_RECORD_FILE), 'utf8').then(
        (text) => {
          try {
            json(res, 200, JSON.parse(text));
          } catch {
            json(res, 422, { error: `${RUN_RECORD_FILE} of ${id} does not parse` });
          }
        },
        () => json(res, 404, { error: `no ${RUN_RECORD_FILE} for ${id}` }),
      );
      return true;
    }
    if (url.pathname === '/api/events') {
      const run = url.searchParams.get('run') ?? undefined;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': log-anomaly events\n\n');
      const sub = opts.events$.subscribe((e) => {
        if (run === undefined || e.runId === run) res.write(`id: ${e.runId}:${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      });
      req.on('close', () => sub.unsubscribe());
      return true;
    }
    json(res, 404, { error: 'not found' });
    return true;
  };
}
