/**
 * CloudWatch ingestion with the real SDK client against a loopback endpoint speaking the JSON 1.1
 * protocol. Credentials are dummies set in this process only; the signature is checked to use them.
 */
import { useLoopbackAwsCredentials } from '../helpers/aws-env.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestCloudWatch } from '../../src/services/ingest/cloudwatch.js';
import { ingestLogs } from '../../src/services/ingest/index.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { AbortedError, PipelineError } from '../../src/errors.js';
import type { CloudWatchSource, LogFormat } from '../../src/config/settings-types.js';
import { ASSUMED, makeEvents, startCloudWatchServer, type CloudWatchServer } from '../helpers/cloudwatch-server.js';

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const RAW: LogFormat = { type: 'raw' };
const KEY_ID = 'AKIDLOOPBACKTEST0001';

let server: CloudWatchServer;
let dir: string;

useLoopbackAwsCredentials(KEY_ID, 'dummy-secret-for-loopback-tests');
beforeEach(async () => {
  server = await startCloudWatchServer();
  dir = await mkdtemp(join(tmpdir(), 'cw-ingest-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const source = (over: Partial<CloudWatchSource> = {}): CloudWatchSource => ({
  type: 'cloudwatch',
  region: 'us-east-1',
  endpoint: server.endpoint,
  logGroups: ['/app/api'],
  from: new Date(T0 - 3_600_000).toISOString(),
  to: new Date(T0 + 3_600_000).toISOString(),
  ...over,
});

const ingest = (src: CloudWatchSource, ctx = createStandaloneContext(), format: LogFormat = RAW) =>
  ingestCloudWatch({ runDir: join(dir, 'run-1'), baseDir: dir, format, source: src }, ctx);

const readEvents = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { timestamp: number; stream: string; message: string; level?: string });

const filterRequests = () => server.requests.filter((r) => r.target === 'FilterLogEvents');

describe('CloudWatch ingestion: paging and the events file', () => {
  it('pages through empty pages, several groups (name and ARN), orders per stream and drops duplicate ids', async () => {
    const api = makeEvents('i-1', T0, 6);
    const web = makeEvents('w-1', T0 + 500, 3);
    // page 1 out of order, an empty page with a nextToken, a duplicate of event 2 on page 3
    server.addGroup('/app/api', [[api[3], api[0], api[1]], [], [api[2], api[2], api[4]], [], [api[5]]]);
    server.addGroup('/app/web', [[], [web[0]], [web[2], web[1]]]);
    const ctx = createStandaloneContext();
    const out = await ingest(source({ logGroups: ['/app/api', 'arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*'] }), ctx);

    expect(out).toMatchObject({ lines: 9, unparsed: 0, streams: ['/app/api/i-1', '/app/web/w-1'], from: T0, to: T0 + 5000 });
    const events = await readEvents(out.eventsFile);
    const apiEvents = events.filter((e) => e.stream === '/app/api/i-1');
    expect(apiEvents.map((e) => e.message)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `i-1 event ${i}`));
    expect(events.map((e) => e.timestamp)).toEqual([...events.map((e) => e.timestamp)].sort((a, b) => a - b));
    expect(Object.keys(events[0])).toEqual(['timestamp', 'stream', 'message']);

    const reqs = filterRequests();
    expect(reqs.filter((r) => r.group === '/app/api').map((r) => r.page)).toEqual([0, 1, 2, 3, 4]);
    expect(reqs.filter((r) => r.group === '/app/web').map((r) => r.page)).toEqual([0, 1, 2]);
    // the ARN went out as logGroupIdentifier, without DescribeLogGroups' trailing :*
    expect(reqs.find((r) => r.group === '/app/web')?.body.logGroupIdentifier).toBe('arn:aws:logs:us-east-1:123456789012:log-group:/app/web');
    expect(reqs.every((r) => r.accessKeyId === KEY_ID)).toBe(true);
    expect(reqs[0].body).toMatchObject({ startTime: T0 - 3_600_000, endTime: T0 + 3_600_000 });

    const pages = ctx.progressUpdates.filter((p) => p.unit === 'pages');
    expect(pages.filter((p) => p.label === '/app/api').at(-1)?.current).toBe(5);
    expect(ctx.progressUpdates.filter((p) => p.unit === 'events' && p.label === '/app/web').at(-1)?.current).toBe(3);
    expect(ctx.progressUpdates.some((p) => p.unit === 'bytes' && p.label === '/app/api' && p.current > 0)).toBe(true);
    expect(ctx.artifacts.map((a) => a.name)).toEqual(['events.ndjson']);
  });

  it('is what the ingestion dispatcher runs for source.type cloudwatch', async () => {
    server.addGroup('/app/api', [makeEvents('i-1', T0, 2)]);
    const out = await ingestLogs({ runDir: join(dir, 'run-1'), baseDir: dir, format: RAW, source: source() }, createStandaloneContext());
    expect(out.lines).toBe(2);
    expect(out.source).toBe('cloudwatch:us-east-1:/app/api (2026-11-26T08:00:00.000Z..2026-11-26T10:00:00.000Z)');
  });

  it('assumes roleArn through STS and signs FilterLogEvents with the temporary credentials', async () => {
    server.addGroup('/app/api', [makeEvents('i-1', T0, 2)]);
    const prev = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = server.endpoint; // the SDK's per-service endpoint override
    try {
      const out = await ingest(source({ roleArn: 'arn:aws:iam::210987654321:role/log-anomaly-reader' }));
      expect(out.lines).toBe(2);
    } finally {
      if (prev === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = prev;
    }
    const sts = server.requests.filter((r) => r.target === 'sts:AssumeRole');
    expect(sts).toHaveLength(1);
    expect(sts[0]).toMatchObject({ accessKeyId: KEY_ID, body: { RoleArn: 'arn:aws:iam::210987654321:role/log-anomaly-reader', RoleSessionName: 'log-anomaly-run-1' } });
    expect(filterRequests().map((r) => [r.accessKeyId, r.sessionToken])).toEqual([[ASSUMED.accessKeyId, ASSUMED.sessionToken]]);
  });

  it('sends the stream names, prefix and filter pattern; the server filters with them', async () => {
    server.addGroup('/app/api', [[...makeEvents('i-1', T0, 3, 'a', (i) => `ERROR ${i}`), ...makeEvents('j-1', T0, 3, 'b', (i) => `INFO ${i}`)]]);
    const out = await ingest(source({ streamPrefix: 'i-', filterPattern: 'ERROR' }));
    expect(out.lines).toBe(3);
    expect(filterRequests()[0].body).toMatchObject({ logStreamNamePrefix: 'i-', filterPattern: 'ERROR' });
    await rm(join(dir, 'run-1'), { recursive: true });
    const named = await ingest(source({ streamNames: ['j-1'] }));
    expect(named.streams).toEqual(['/app/api/j-1']);
  });

  it('fetches at most `concurrency` log groups at once', async () => {
    for (const g of ['/g/a', '/g/b', '/g/c']) server.addGroup(g, [makeEvents('s', T0, 1, `${g}-0`), [], makeEvents('s', T0 + 5_000, 1, `${g}-2`)]);
    // a group is in flight from its first request until its last page (2) is answered
    const inFlight = new Set<string>();
    let most = 0;
    server.onRequest = (r) => {
      inFlight.add(r.group!);
      most = Math.max(most, inFlight.size);
      if (r.page === 2) inFlight.delete(r.group!);
    };
    const out = await ingest(source({ logGroups: ['/g/a', '/g/b', '/g/c'], concurrency: 2 }));
    expect(out.lines).toBe(6);
    expect(most).toBe(2);
    await rm(join(dir, 'run-1'), { recursive: true });
    most = 0;
    await ingest(source({ logGroups: ['/g/a', '/g/b', '/g/c'], concurrency: 1 }));
    expect(most).toBe(1);
  });

  it('applies a cloudwatch log format to JSON messages: message and level fields', async () => {
    server.addGroup('/app/api', [
      [
        { logStreamName: 's', timestamp: T0, message: '{"level":"ERROR","msg":"db down","code":7}\n', eventId: 'e1' },
        { logStreamName: 's', timestamp: T0 + 1, message: 'plain text line', eventId: 'e2' },
      ],
    ]);
    const out = await ingest(source(), createStandaloneContext(), { type: 'cloudwatch', messageField: 'msg' });
    const events = await readEvents(out.eventsFile);
    expect(events).toEqual([
      { timestamp: T0, stream: '/app/api/s', message: 'db down', level: 'ERROR' },
      { timestamp: T0 + 1, stream: '/app/api/s', message: 'plain text line' },
    ]);
  });
});

describe('CloudWatch ingestion: settings validation', () => {
  const cases: [string, Partial<CloudWatchSource>, RegExp][] = [
    ['a bad since', { from: undefined, to: undefined, since: '1 hour' }, /source\.since: expected a positive duration .*"1 hour"/],
    ['no window', { from: undefined, to: undefined }, /source\.since: a time window is required/],
    ['to without from', { from: undefined }, /source\.from: to needs a from/],
    ['to before from', { from: '2026-11-26T10:00:00Z', to: '2026-11-26T09:00:00Z' }, /source\.to: must be after from/],
    ['a date without zone', { from: '2026-11-26 10:00' }, /source\.from: expected an ISO-8601 time/],
    ['since and from', { since: '1h' }, /source\.since: use either since or from\/to/],
    ['names and prefix', { streamNames: ['a'], streamPrefix: 'b' }, /source\.streamPrefix: use either/],
    ['a bad ARN', { logGroups: ['arn:aws:s3:::bucket'] }, /source\.logGroups\[0\]: not a log group ARN/],
    ['a bad region', { region: 'mars' }, /source\.region: expected an AWS region/],
  ];
  it.each(cases)('rejects %s with the field named, before any request', async (_name, over, message) => {
    const err = await ingest(source(over)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('SETTINGS_INVALID');
    expect((err as PipelineError).retryable).toBe(false);
    expect((err as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it('resolves since to a window ending now', async () => {
    server.addGroup('/app/api', [[]]);
    const before = Date.now();
    await ingest(source({ from: undefined, to: undefined, since: '30m' }));
    const body = filterRequests()[0].body as { startTime: number; endTime: number };
    expect(body.endTime - body.startTime).toBe(30 * 60_000);
    expect(body.endTime).toBeGreaterThanOrEqual(before);
  });
});

describe('CloudWatch ingestion: retries and abort', () => {
  it('one call per page attempt: ThrottlingException and 500 fail the attempt retryable, the next attempt resumes at the page', async () => {
    server.addGroup('/app/api', [makeEvents('i-1', T0, 2), makeEvents('i-2', T0, 2)]);
    server.fault('throttle', (r) => r.page === 0);
    server.fault('500', (r) => r.page === 1);
    const ctx = createStandaloneContext();
    await expect(ingest(source(), ctx)).rejects.toMatchObject({ code: 'AWS', retryable: true });
    await expect(ingest(source(), ctx)).rejects.toMatchObject({ code: 'AWS', retryable: true });
    const out = await ingest(source(), ctx);
    expect(out.lines).toBe(4);
    expect(filterRequests().map((r) => r.page)).toEqual([0, 0, 1, 1]);
  });

  it('fails retryable after one call even with the old SDK retry settings, and not retryable on access denied', async () => {
    server.addGroup('/app/api', [makeEvents('i-1', T0, 2)]);
    server.fault('500');
    const ctx = createStandaloneContext();
    const err = (await ingest(source({ maxAttempts: 5 }), ctx).catch((e: unknown) => e)) as PipelineError;
    expect(err).toMatchObject({ code: 'AWS', retryable: true });
    expect(err.message).toMatch(/FilterLogEvents on \/app\/api failed: ServiceUnavailableException \(HTTP 500\)/);
    expect(filterRequests()).toHaveLength(1);
    expect(ctx.logs.some((l) => l.level === 'warn' && /SDK retry settings are ignored/.test(l.msg))).toBe(true);

    server.fault('access-denied');
    const denied = (await ingest(source()).catch((e: unknown) => e)) as PipelineError;
    expect(denied).toMatchObject({ code: 'AWS', retryable: false });
    expect(denied.message).toMatch(/AccessDeniedException.*docs\/aws\.md/);
    const missing = (await ingest(source({ logGroups: ['/nope'] })).catch((e: unknown) => e)) as PipelineError;
    expect(missing.message).toMatch(/ResourceNotFoundException/);
    expect(missing.retryable).toBe(false);
  });

  it('stops paging at once on abort: no further request, no events file', async () => {
    server.addGroup('/app/api', [makeEvents('i-1', T0, 2), makeEvents('i-1', T0 + 10_000, 2), makeEvents('i-1', T0 + 20_000, 2)]);
    const ac = new AbortController();
    server.fault('hang', (r) => r.page === 1);
    server.onRequest = (r) => {
      if (r.page === 1) ac.abort();
    };
    const err = await ingest(source(), createStandaloneContext({ signal: ac.signal })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(filterRequests().map((r) => r.page)).toEqual([0, 1]);
    await expect(stat(join(dir, 'run-1', 'events.ndjson'))).rejects.toThrow(/ENOENT/);
  });
});

describe('CloudWatch ingestion: the resumable cursor', () => {
  it('a rerun after a kill continues after the last page written, and a finished run fetches nothing', async () => {
    const pages = [0, 1, 2, 3, 4].map((p) => makeEvents(`s-${p % 2}`, T0 + p * 10_000, 3, `p${p}`));
    server.addGroup('/app/api', pages);
    server.addGroup('/app/web', [makeEvents('w', T0, 2), makeEvents('w', T0 + 5_000, 2, 'w2')]);
    // kill while page 3 of /app/api is in flight: pages 0..2 are written
    const ac = new AbortController();
    server.fault('hang', (r) => r.group === '/app/api' && r.page === 3);
    server.onRequest = (r) => {
      // The request is in flight (the server holds it): kill the run now.
      if (r.group === '/app/api' && r.page === 3) ac.abort();
    };
    await expect(ingest(source({ logGroups: ['/app/api', '/app/web'], concurrency: 1 }), createStandaloneContext({ signal: ac.signal }))).rejects.toBeInstanceOf(AbortedError);
    const firstRun = filterRequests().length;
    server.onRequest = undefined;

    const ctx = createStandaloneContext({ attempt: 2 });
    const out = await ingest(source({ logGroups: ['/app/api', '/app/web'], concurrency: 1 }), ctx);
    const rerun = filterRequests().slice(firstRun);
    expect(rerun.filter((r) => r.group === '/app/api').map((r) => r.page)).toEqual([3, 4]);
    expect(rerun.filter((r) => r.group === '/app/web').map((r) => r.page)).toEqual([0, 1]);
    expect(out.lines).toBe(15 + 4);
    const ids = (await readEvents(out.eventsFile)).map((e) => `${e.stream} ${e.timestamp}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ctx.logs.some((l) => l.msg.startsWith('resuming log group') && l.fields?.pages === 3)).toBe(true);
    // the part files are gone once the events file is committed
    expect((await readdir(join(dir, 'run-1', 'cloudwatch'))).filter((f) => f.endsWith('.part.ndjson'))).toEqual([]);

    const before = filterRequests().length;
    const again = await ingest(source({ logGroups: ['/app/api', '/app/web'], concurrency: 1 }));
    expect(filterRequests().length).toBe(before);
    expect(again).toEqual(out);
  });

  it('keeps the window a since-relative run resolved first; changed settings start over', async () => {
    server.addGroup('/app/api', [makeEvents('i', Date.now() - 60_000, 1), makeEvents('i', Date.now() - 30_000, 1, 'b')]);
    const ac = new AbortController();
    server.fault('hang', (r) => r.page === 1);
    server.onRequest = (r) => {
      if (r.page === 1) ac.abort();
    };
    const src = source({ from: undefined, to: undefined, since: '1h' });
    await expect(ingest(src, createStandaloneContext({ signal: ac.signal }))).rejects.toBeInstanceOf(AbortedError);
    server.onRequest = undefined;
    const first = filterRequests()[0].body.endTime;
    // The rerun happens a minute later: "since 1h" would now end elsewhere, the resolved window must not move.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    try {
      await ingest(src);
    } finally {
      vi.useRealTimers();
    }
    const resumed = filterRequests().at(-1)!;
    expect(resumed.page).toBe(1);
    expect(resumed.body.endTime).toBe(first);

    await rm(join(dir, 'run-1', 'cloudwatch', 'done.json'));
    const n = filterRequests().length;
    await ingest(source({ from: undefined, to: undefined, since: '2h' }));
    expect(filterRequests().slice(n).map((r) => r.page)).toEqual([0, 1]);
  });
});
