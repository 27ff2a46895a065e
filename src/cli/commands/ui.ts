/**
 * `log-anomaly ui [--port 4300] [--host 127.0.0.1] [--out-dir DIR] [-c settings]`: the web
 * dashboard over the local runs folder, until SIGINT/SIGTERM. Bound to loopback; another address
 * needs a token (from the env var --token-env names), since run pages show log lines and emails.
 */
import { resolve } from 'node:path';
import { loadSettings } from '../../config/settings.js';
import { UsageError } from '../../errors.js';
import { listLocalRuns } from '../../runs/local-runs.js';
import { createUiServer } from '../../ui/server.js';
import type { CliIo } from '../io.js';

export interface UiCommandOptions {
  readonly port?: number;
  readonly host?: string;
  readonly tokenEnv?: string;
  readonly outDir?: string;
  readonly config?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export async function ui(opts: UiCommandOptions, io: CliIo): Promise<number> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.tokenEnv ? io.env[opts.tokenEnv] : undefined;
  if (opts.tokenEnv && !token) throw new UsageError(`--token-env ${opts.tokenEnv}: that environment variable is not set`);
  if (!LOOPBACK.test(host) && !token) throw new UsageError(`--host ${host} is not loopback: anyone who can reach it would read your logs; pass --token-env NAME with a secret in that variable`);
  const runsDir = opts.outDir ? resolve(io.cwd, opts.outDir) : (await loadSettings(opts.config, { cwd: io.cwd, env: io.env })).output.dir;
  const server = createUiServer({ runsDir, listRuns: () => listLocalRuns(runsDir), ...(token ? { token } : {}) });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 4300, host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  io.stderr.write(`dashboard on http://${host.includes(':') ? `[${host}]` : host}:${port}/ for ${runsDir} (Ctrl-C stops it)\n`);
  await new Promise<void>((done) => {
    const off = io.onSignal(() => {
      off();
      server.closeAllConnections();
      server.close(() => done());
    });
  });
  return 0;
}
