/**
 * `log-anomaly ui`: a small read-only web dashboard over the runs folder. Pages are rendered on the
 * server; the one script (same origin, no inline code) follows a live run through server-sent
 * events fed by the run's event journal. Nothing leaves the machine: no CDN, no external request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lstat, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { JOURNAL_FILE, parseJournal } from '../bus/journal.js';
import { initialRunView, reduceRunViewBatch } from '../tui/run-view.js';
import { APP_CSS, APP_JS } from './assets.js';
import { runFragment, runPage, runsPage, type ReportPart, type RunRow } from './pages.js';
import { messageOf } from '../errors.js';

export interface UiOptions {
  /** The runs folder (settings output.dir). */
  readonly runsDir: string;
  /** Lists runs (the local runs reader; injected so the server stays free of its policy). */
  readonly listRuns: () => Promise<readonly RunRow[]>;
  /** Required on every request when set (binding beyond loopback needs one). */
  readonly token?: string;
  /** How often a live page's journal is checked for new events. */
  readonly pollMs?: number;
}

const RUN_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Files of a run the dashboard serves, and how. */
const FILES: Readonly<Record<string, string>> = {
  'report.html': 'text/html; charset=utf-8',
  'report.md': 'text/plain; charset=utf-8',
  'report.json': 'application/json',
  'anomalies.json': 'application/json',
  'templates.csv': 'text/plain; charset=utf-8',
  'run.json': 'application/json',
};
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// report.html is self-contained with inline CSS and no scripts.
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, code: number, type: string, body: string | Buffer, csp = PAGE_CSP): void {
  res.writeHead(code, {
    'content-type': type,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(body);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function tokenOk(req: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = url.searchParams.get('token') ?? /(?:^|;\s*)lap_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createUiServer(opts: UiOptions): Server {
  const runDir = (id: string) => join(opts.runsDir, id);

  async function runState(id: string) {
    const dir = runDir(id);
    const journal = await readFile(join(dir, JOURNAL_FILE), 'utf8').catch(() => '');
    const view = reduceRunViewBatch(initialRunView(), parseJournal(journal));
    const report = await readJson<ReportPart>(join(dir, 'report.json'));
    const present = await readdir(dir).catch(() => [] as string[]);
    const emails = present.includes('emails') ? (await readdir(join(dir, 'emails')).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).map((n) => `emails/${n}`) : [];
    const files = [...Object.keys(FILES).filter((n) => present.includes(n)), ...emails];
    return { view, report, files };
  }

  async function serveFile(res: ServerResponse, id: string, name: string): Promise<void> {
    const isEmail = /^emails\/[A-Za-z0-9@._+-]+\.eml$/.test(name);
    const type = FILES[name] ?? (isEmail ? 'text/plain; charset=utf-8' : undefined);
    if (!type) { send(res, 404, 'text/plain', 'not a file the dashboard serves'); return; }
    const file = join(runDir(id), name);
    // A symlink planted in a run folder could point anywhere: only regular files are served.
    const st = await lstat(file).catch(() => undefined);
    if (!st?.isFile()) { send(res, 404, 'text/plain', 'no such file'); return; }
    send(res, 200, type, await readFile(file), name === 'report.html' ? REPORT_CSP : PAGE_CSP);
  }

  function events(req: IncomingMessage, res: ServerResponse, id: string): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    const file = join(runDir(id), JOURNAL_FILE);
    let size = -1;
    let closed = false;
    const tick = async () => {
      if (closed) return;
      const now = (await stat(file).catch(() => undefined))?.size ?? 0;
      if (now !== size) {
        size = now;
        const text = await readFile(file, 'utf8').catch(() => '');
        const evs = parseJournal(text);
        const last = evs.at(-1);
        res.write(`event: bus\ndata: ${last?.seq ?? 0}\n\n`);
        if (last?.type === 'run' && last.status !== 'started') {
          res.write('event: end\ndata: end\n\n');
          res.end();
          closed = true;
          return;
        }
      }
      setTimeout(() => void tick(), opts.pollMs ?? 300);
    };
    req.on('close', () => (closed = true));
    void tick();
  }

  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET' && req.method !== 'HEAD') { send(res, 405, 'text/plain', 'read-only'); return; }
      if (!tokenOk(req, url, opts.token)) { send(res, 401, 'text/plain', 'a token is required (?token=... once, then a cookie)'); return; }
      if (opts.token !== undefined && url.searchParams.has('token')) {
        res.setHeader('set-cookie', `lap_token=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`);
      }
      const path = url.pathname;
      if (path === '/assets/app.js') { send(res, 200, 'text/javascript; charset=utf-8', APP_JS); return; }
      if (path === '/assets/app.css') { send(res, 200, 'text/css; charset=utf-8', APP_CSS); return; }
      if (path === '/') {
        const all = await opts.listRuns();
        const statusQ = url.searchParams.get('status') ?? '';
        const search = url.searchParams.get('q') ?? '';
        const runs = all.filter((r) => (statusQ === '' || r.status === statusQ) && (search === '' || r.runId.includes(search)));
        send(res, 200, 'text/html; charset=utf-8', runsPage(runs, { status: statusQ, search }, [...new Set(all.map((r) => r.status))].sort())); return;
      }
      const m = /^\/runs\/([^/]+)(\/events|\/files\/(.+))?$/.exec(path);
      const id = m ? decodeURIComponent(m[1]) : '';
      if (!m || !RUN_ID.test(id) || id === '.' || id === '..') { send(res, 404, 'text/plain', 'not found'); return; }
      if (m[2] === '/events') { events(req, res, id); return; }
      if (m[3] !== undefined) return serveFile(res, id, decodeURIComponent(m[3]));
      if (!(await stat(runDir(id)).catch(() => undefined))?.isDirectory()) { send(res, 404, 'text/plain', 'no such run'); return; }
      const { view, report, files } = await runState(id);
      const html = url.searchParams.has('fragment') ? runFragment(view, report, files, id) : runPage(view, report, files, id);
      send(res, 200, 'text/html; charset=utf-8', html);
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `dashboard error: ${messageOf(err)}`);
      else res.end();
    });
  });
}
