/**
 * A worker killed mid-run (a real child process, SIGKILL) after it sent the notification: the
 * request is redelivered to a second worker, which runs it to completion and sends no second
 * email. Real pieces throughout: the built CLI, the demo pipeline, SMTP (smtp-server), an HTTP
 * file service (node:http) that stalls the first worker's upload, NATS at NATS_URL.
 */
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusEvent } from '../../src/bus/events.js';
import { natsNames } from '../../src/bus/nats/names.js';
import { followRunEvents } from '../../src/bus/nats/replay.js';
import { submitRunRequest } from '../../src/bus/nats/requests.js';
import type { RunRecord } from '../../src/bus/nats/run-record.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { cleanupPrefix, connectTest, NATS_URL, uniquePrefix } from '../helpers/nats.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';

const root = resolve(import.meta.dirname, '..', '..');
const examples = join(root, 'examples');
const prefix = uniquePrefix('kill');
const names = natsNames(prefix);
let dir: string;
let smtp: TestSmtpServer;
let http: TestHttpServer;
let nc: NatsConnection;
let holdUploads = true;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lap-kill-'));
  smtp = await startSmtpServer();
  http = await startHttpServer((req) => (holdUploads && req.method === 'PUT' ? { hang: true } : { status: 201 }));
  nc = await connectTest();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await nc?.close();
  await smtp?.close();
  await http?.close();
  await cleanupPrefix(prefix);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function settingsFile(): string {
  const file = join(dir, 'settings.yaml');
  writeFileSync(
    file,
    `${demoSourceYaml()}detector:
  type: builtin
  baseline: [${JSON.stringify(join(examples, 'baseline', '*.log.gz'))}]
  sessionKey: "req=([0-9a-f]{16})"
smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: alerts@example.com, pool: false }
upload: { type: http, baseUrl: ${JSON.stringify(http.url + '/reports')}, timeoutMs: 60000 }
output: { dir: ${JSON.stringify(join(dir, 'runs'))} }
nats: { prefix: ${prefix} }
`,
  );
  return file;
}

function spawnWorker(settings: string): { proc: ChildProcess; output: () => string } {
  let out = '';
  const proc = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'worker', '--config', settings, '--nats', NATS_URL, '--grace-seconds', '5'], {
    env: { ...process.env, LOG_ANOMALY_ACK_WAIT_SECONDS: '2', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  children.push(proc);
  return { proc, output: () => out };
}

const exited = (p: ChildProcess) =>
  new Promise<number | null>((r) => (p.exitCode !== null || p.signalCode !== null ? r(p.exitCode) : p.once('exit', (code) => r(code))));

it('a worker SIGKILLed while filing the report: the other worker completes the run, and one email goes out per recipient', { timeout: 90_000 }, async () => {
  const settings = settingsFile();
  const runId = 'killed-mid-run';
  const EMAIL = 'report_postProcess/analyze_report/send_notification_emails';
  const UPLOAD = 'report_postProcess/upload_report';
  const a = spawnWorker(settings);
  let b: ReturnType<typeof spawnWorker> | undefined;

  const events: BusEvent[] = [];
  const finished = new Promise<void>((resolveDone, reject) => {
    followRunEvents(nc, { names, runId }).subscribe({
      next: (e) => {
        events.push(e);
        // The first execution analysed and is now stuck uploading (emails go after the upload): kill it there.
        if (!b && e.type === 'step' && e.step === UPLOAD && e.status === 'running') {
          a.proc.kill('SIGKILL');
          void exited(a.proc).then(() => {
            holdUploads = false;
            b = spawnWorker(settings);
          });
        }
      },
      complete: resolveDone,
      error: reject,
    });
  });
  await submitRunRequest(nc, names, { runId, skipInstall: false, dryRun: false });
  await finished.catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\nworker a:\n${a.output()}\nworker b:\n${b?.output() ?? ''}`);
  });

  const final = events.at(-1)!;
  expect(final, `worker a:\n${a.output()}\nworker b:\n${b?.output()}`).toMatchObject({ type: 'run', status: 'completed', exitCode: 0 });
  expect(a.proc.signalCode).toBe('SIGKILL');
  // One notification: each recipient received exactly one message across both executions.
  const rcpts = smtp.messages.flatMap((m) => m.rcptTo).sort();
  expect(rcpts).toEqual(['oncall@example.com', 'payments-team@example.com']);
  const emailDone = events.filter((e): e is Extract<BusEvent, { type: 'step' }> => e.type === 'step' && e.step === EMAIL && e.status === 'done');
  // Only the execution that finished notified: the killed one never reached the emails.
  expect(emailDone.map((e) => e.facts?.status)).toEqual(['sent']);
  // One gap-free sequence across both executions, with the resume visible to watchers.
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.some((e) => e.type === 'log' && /resumes run killed-mid-run \(delivery 2\)/.test(e.msg))).toBe(true);
  const kv = await new Kvm(nc).open(names.runsBucket);
  expect((await kv.get(runId))!.json<RunRecord>()).toMatchObject({ status: 'completed', executions: 2 });

  // SIGTERM drains the idle worker: it exits 0.
  b!.proc.kill('SIGTERM');
  expect(await exited(b!.proc)).toBe(0);
});
