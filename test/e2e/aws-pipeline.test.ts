/**
 * The whole pipeline from the built CLI with the networked steps real and on loopback:
 * `source.type: cloudwatch` against the JSON 1.1 CloudWatch Logs server (the demo's logs served as
 * four log streams, paged, with an empty page and a 500 the SDK retries), the detection config
 * from an HTTP "SkyU" service that wants a bearer token, and the upload to S3 (s3rver) with a
 * presigned link that the notification email carries and that downloads the report.
 */
import { runCli } from '../helpers/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startCloudWatchServer, type CloudWatchServer, type CwEvent } from '../helpers/cloudwatch-server.js';
import { S3RVER_KEY, startS3Server, type S3Server } from '../helpers/s3-server.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';

const root = join(import.meta.dirname, '..', '..');
const examples = join(root, 'examples');
const TOKEN = 'skyu-loopback-token';
const PAGE = 400;

let cw: CloudWatchServer;
let s3: S3Server;
let skyu: TestHttpServer;
let dir: string;
let lineCount = 0;

async function streamEvents(file: string): Promise<CwEvent[]> {
  const stream = basename(file, '.log');
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim());
  return lines.map((line, i) => ({
    logStreamName: stream,
    timestamp: Date.parse(`${line.slice(0, 10)}T${line.slice(11, 23)}Z`),
    message: `${line}\n`,
    eventId: `${stream}-${i}`,
  }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-e2e-'));
  cw = await startCloudWatchServer();
  const files = (await readdir(join(examples, 'logs'))).filter((f) => f.endsWith('.log')).sort();
  // one log group, FilterLogEvents-style pages mixing the streams; an empty page in between
  const all: CwEvent[] = [];
  for (const f of files) all.push(...(await streamEvents(join(examples, 'logs', f))));
  lineCount = all.length;
  const pages: CwEvent[][] = [];
  for (let i = 0; i < all.length; i += PAGE) pages.push(all.slice(i, i + PAGE));
  pages.splice(2, 0, []);
  cw.addGroup('/demo/shop', pages);
  cw.fault('500', (r) => r.page === 3);

  s3 = await startS3Server(['reports']);
  const config = await readFile(join(examples, 'detection-config.yaml'), 'utf8');
  skyu = await startHttpServer((req) =>
    req.headers.authorization === `Bearer ${TOKEN}`
      ? { status: 200, headers: { 'content-type': 'application/yaml', etag: '"cfg-1"', 'x-config-revision': 'abc123' }, body: config }
      : { status: 401, body: 'unauthorized' },
  );
}, 30_000);

afterAll(async () => {
  await Promise.all([cw?.close(), s3?.close(), skyu?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function runAws(args: string[]) {
  return runCli(args, {
    cwd: dir,
    env: {
      AWS_ACCESS_KEY_ID: S3RVER_KEY,
      AWS_SECRET_ACCESS_KEY: S3RVER_KEY,
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      SKYU_TOKEN: TOKEN,
    },
  });
}

describe('the pipeline on AWS protocols (built CLI, all loopback)', () => {
  it('ingests from CloudWatch, fetches the config over HTTP, uploads to S3 and emails a presigned link that works', async () => {
    const settings = join(dir, 'aws.yaml');
    await writeFile(
      settings,
      `source:
  type: cloudwatch
  region: us-east-1
  endpoint: ${cw.endpoint}
  logGroups: [/demo/shop]
  since: 1h
format:
  type: loghub
  pattern: "<Date> <Time> <Level> <Component>: <Content>"
  timestampFields: [Date, Time]
  levelField: Level
detectionConfig:
  location: ${skyu.url}/configs/shop.yaml
  tokenEnv: SKYU_TOKEN
detector:
  type: builtin
  baseline:
    - ${join(examples, 'baseline', '*.log.gz')}
  sessionKey: "req=([0-9a-f]{16})"
upload:
  type: s3
  bucket: reports
  prefix: log-anomaly/
  region: us-east-1
  endpoint: ${s3.endpoint}
  forcePathStyle: true
  presignSeconds: 3600
output:
  dir: ${join(dir, 'runs')}
`,
    );
    // the command line's window replaces the file's `since: 1h`
    const r = await runAws(['run', '--config', settings, '--headless', '--skip-install', '--run-id', 'aws-1', '--from', '2026-11-26T08:00:00Z', '--to', '2026-11-26T13:00:00Z']);
    expect(r.stderr).not.toMatch(/error/i);
    // the SDK's Node-version notice is off for the CLI (src/cli/node-version.ts); nothing else warns
    expect(r.stderr).not.toMatch(/Warning/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/run aws-1 completed/);

    // CloudWatch: every page asked once, the 500 retried by the SDK, the CLI's window sent
    const filters = cw.requests.filter((q) => q.target === 'FilterLogEvents');
    const pageCount = Math.ceil(lineCount / PAGE) + 1;
    expect(filters.map((q) => q.page)).toEqual([...Array.from({ length: 4 }, (_, i) => i), 3, ...Array.from({ length: pageCount - 4 }, (_, i) => i + 4)]);
    expect(filters[0].body).toMatchObject({ logGroupName: '/demo/shop', startTime: Date.parse('2026-11-26T08:00:00Z'), endTime: Date.parse('2026-11-26T13:00:00Z') });
    const runDir = join(dir, 'runs', 'aws-1');
    const events = (await readFile(join(runDir, 'events.ndjson'), 'utf8')).trim().split('\n');
    expect(events).toHaveLength(lineCount);
    expect(JSON.parse(events[0])).toMatchObject({ stream: expect.stringMatching(/^\/demo\/shop\//), level: expect.any(String) });

    // the config service was asked with the token
    expect(skyu.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);

    // S3: the report is there, under the prefix and run id
    const puts = s3.requests.filter((q) => q.method === 'PUT').map((q) => q.path);
    expect(puts).toContain('/reports/log-anomaly/aws-1/report.html');
    const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    expect(run.status).toBe('completed');

    // the email preview links the presigned URL, and it downloads the uploaded report
    const emls = (await readdir(join(runDir, 'emails'))).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThan(0);
    const eml = (await readFile(join(runDir, 'emails', emls[0]), 'utf8')).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/reports\/log-anomaly\/aws-1\/report\.html\?[^\s"<>]+)/.exec(eml)?.[1];
    expect(link).toContain('X-Amz-Signature=');
    const res = await fetch(link!.replace(/&amp;/g, '&'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(await readFile(join(runDir, 'report.html'), 'utf8'));

    // executing the same run again reuses the ingested window: CloudWatch is not asked again
    const before = cw.requests.length;
    const again = await runAws(['run', '--config', settings, '--headless', '--skip-install', '--run-id', 'aws-1', '--from', '2026-11-26T08:00:00Z', '--to', '2026-11-26T13:00:00Z']);
    expect(again.code).toBe(0);
    expect(cw.requests.length).toBe(before);
    expect((await readFile(join(runDir, 'events.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(lineCount);
  }, 120_000);
});
