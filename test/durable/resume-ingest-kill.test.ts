/**
 * Issue 13, "a kill mid-ingest resumes mid-ingest": the built CLI is SIGKILLed in the middle of
 * ingestion (a file source: after its third checkpoint; a CloudWatch source: while a page request is
 * in flight at the loopback server), then `run --resume`. The resumed run reads on from the
 * checkpoint (fewer bytes or pages than the whole input) and ends `completed` with the very
 * events.ndjson and the same anomalies.json and report.json as an uninterrupted run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { runAndKillAt, startAndWaitFor } from '../helpers/kill-at.js';
import { startCloudWatchServer, type CloudWatchServer, type CwEvent } from '../helpers/cloudwatch-server.js';

const INGEST = 'prepare_prerequisite/execute_cloudwatchLog_injetion';
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIDLOOPBACKRESUME01', AWS_SECRET_ACCESS_KEY: 'dummy-loopback-secret', AWS_SESSION_TOKEN: '', AWS_PROFILE: '', AWS_EC2_METADATA_DISABLED: 'true' };

let dir: string;
let cw: CloudWatchServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-resume-ingest-'));
  cw = await startCloudWatchServer();
});
afterAll(async () => {
  await cw?.close();
  await rm(dir, { recursive: true, force: true });
});

const parse = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

async function artifacts(runDir: string, runId: string) {
  const norm = (text: string) => JSON.parse(text.replaceAll(runId, 'RUN'), (k, v) => (k === 'generatedAt' ? undefined : v));
  return {
    events: await readFile(join(runDir, 'events.ndjson')),
    anomalies: norm(await readFile(join(runDir, 'anomalies.json'), 'utf8')),
    report: norm(await readFile(join(runDir, 'report.json'), 'utf8')),
  };
}

async function resume(settings: string, out: string, id: string, env: NodeJS.ProcessEnv = {}) {
  const r = await runCli(['run', '--config', settings, '--out-dir', out, '--skip-install', '--resume', id, '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(await readFile(join(out, id, 'run.json'), 'utf8')).status).toBe('completed');
  return parse(r.stdout);
}

describe('SIGKILL in the middle of ingestion, then run --resume', () => {
  it('file source: resumes at the last checkpoint, reads less than the whole input, same events.ndjson and findings', async () => {
    const logs = join(dir, 'logs');
    const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
    const lines: string[] = [];
    for (let i = 0; i < 250_000; i++) {
      const ts = new Date(t0 + i * 20).toISOString().replace('T', ' ').replace('Z', '');
      lines.push(`${ts} ${i % 31 === 0 ? 'ERROR' : 'INFO'} bulk: job ${i % 977} step ${i % 13} finished in ${(i * 7) % 50}ms`);
    }
    await mkdir(logs, { recursive: true });
    await writeFile(join(logs, 'bulk.log'), lines.join('\n') + '\n');
    const total = (await stat(join(logs, 'bulk.log'))).size;
    const settings = join(dir, 'file.yaml');
    await writeFile(settings, demoSourceYaml().replace(/paths: \[[^\]]*\]/, `paths: [${JSON.stringify(join(logs, '*.log'))}]`));
    const out = join(dir, 'runs-file');
    const run = (id: string) => ['run', '--config', settings, '--out-dir', out, '--skip-install', '--run-id', id];

    const whole = await runCli([...run('whole'), '--json']);
    expect(whole.code, whole.stderr).toBe(0);
    const expected = await artifacts(join(out, 'whole'), 'whole');

    let checkpoints = 0;
    const killed = await runAndKillAt(run('killed'), (e) => e.type === 'log' && e.msg === 'ingest checkpoint' && ++checkpoints === 3, { LOG_ANOMALY_INGEST_CHECKPOINT_MS: '0' });
    expect(killed.killed, killed.stderr).toBe(true);
    expect(killed.events.some((e) => e.type === 'step' && e.step === INGEST && e.status === 'done')).toBe(false);
    expect(await readdir(join(out, 'killed', 'state', 'ingest'))).toContain('file-checkpoint.json');

    const events = await resume(settings, out, 'killed');
    const resumedAt = events.find((e) => e.type === 'log' && e.msg === 'resuming ingestion at its last checkpoint');
    expect(resumedAt?.fields.offset).toBeGreaterThan(0);
    const ingested = events.find((e) => e.type === 'log' && e.msg === 'ingested');
    expect(ingested.fields.bytesRead).toBeLessThan(total);
    expect(ingested.fields.bytesRead).toBe(total - resumedAt.fields.offset);
    const got = await artifacts(join(out, 'killed'), 'killed');
    expect(got.events.equals(expected.events), 'events.ndjson differs from the uninterrupted run').toBe(true);
    expect(got.anomalies).toEqual(expected.anomalies);
    expect(got.report).toEqual(expected.report);
    expect(await readdir(join(out, 'killed', 'state'))).not.toContain('ingest');
  }, 180_000);

  it('CloudWatch source: resumes after the last page written, asks for fewer pages than the whole window, same events.ndjson and findings', async () => {
    // the demo logs as one log group of 60-event pages
    const all: CwEvent[] = [];
    for (const f of (await readdir(join(repoRoot, 'examples', 'logs'))).filter((n) => n.endsWith('.log')).sort()) {
      const stream = basename(f, '.log');
      const text = (await readFile(join(repoRoot, 'examples', 'logs', f), 'utf8')).split('\n').filter((l) => l.trim());
      text.forEach((line, i) => all.push({ logStreamName: stream, timestamp: Date.parse(`${line.slice(0, 10)}T${line.slice(11, 23)}Z`), message: line, eventId: `${stream}-${i}` }));
    }
    const pages: CwEvent[][] = [];
    for (let i = 0; i < all.length; i += 60) pages.push(all.slice(i, i + 60));
    expect(pages.length).toBeGreaterThan(8);
    cw.addGroup('/demo/shop', pages);
    const settings = join(dir, 'cw.yaml');
    const demo = demoSourceYaml().split('\n').filter((l) => !l.startsWith('source:')).join('\n');
    await writeFile(settings, `source: { type: cloudwatch, region: us-east-1, endpoint: ${cw.endpoint}, logGroups: [/demo/shop], from: "2026-11-26T00:00:00Z", to: "2026-11-27T00:00:00Z" }\n${demo}`);
    const out = join(dir, 'runs-cw');
    const run = (id: string) => ['run', '--config', settings, '--out-dir', out, '--skip-install', '--run-id', id];
    const filters = () => cw.requests.filter((r) => r.target === 'FilterLogEvents');

    const whole = await runCli([...run('whole'), '--json'], { env: AWS_ENV });
    expect(whole.code, whole.stderr).toBe(0);
    expect(filters().map((r) => r.page)).toEqual(pages.map((_, i) => i));
    const expected = await artifacts(join(out, 'whole'), 'whole');

    // killed by the server while it holds the request for page 5: pages 0-4 are written
    const before = filters().length;
    const { child, exited } = startAndWaitFor(run('killed'), () => false, AWS_ENV);
    cw.onRequest = (r) => {
      if (r.target === 'FilterLogEvents' && r.page === 5) child.kill('SIGKILL');
    };
    expect((await exited).signal).toBe('SIGKILL');
    cw.onRequest = undefined;
    expect(filters().slice(before).map((r) => r.page)).toEqual([0, 1, 2, 3, 4, 5]);

    const resumedFrom = filters().length;
    const events = await resume(settings, out, 'killed', AWS_ENV);
    const asked = filters().slice(resumedFrom).map((r) => r.page);
    expect(asked).toEqual(pages.map((_, i) => i).slice(5));
    expect(asked.length).toBeLessThan(pages.length);
    expect(events.find((e) => e.type === 'log' && e.msg === 'resuming log group after the last page written')?.fields).toMatchObject({ pages: 5 });
    const got = await artifacts(join(out, 'killed'), 'killed');
    expect(got.events.equals(expected.events), 'events.ndjson differs from the uninterrupted run').toBe(true);
    expect(got.anomalies).toEqual(expected.anomalies);
    expect(got.report).toEqual(expected.report);
  }, 180_000);
});
