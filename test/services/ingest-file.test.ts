import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ingestLogs } from '../../src/services/ingest/index.js';
import { isDynamicPattern } from 'tinyglobby';
import { expandGlob, hasGlob } from '../../src/services/ingest/glob.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { PipelineError } from '../../src/errors.js';
import { copyFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';

const FIXTURES = resolvePath(import.meta.dirname, '../fixtures/formats');
import type { LogFormat } from '../../src/config/settings-types.js';

const FORMAT: LogFormat = { type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readEvents = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { timestamp: number | null; stream: string; message: string; level?: string });

describe('file ingestion', () => {
  it('reads plain and .gz files through a glob, CRLF and invalid UTF-8 included', async () => {
    await mkdir(join(dir, 'logs', 'sub'), { recursive: true });
    await writeFile(join(dir, 'logs', 'api.log'), '2024-01-01 10:00:00 INFO api: started\r\n2024-01-01 10:00:05 ERROR api: failed 3 times\r\n');
    await writeFile(
      join(dir, 'logs', 'sub', 'db.log.gz'),
      gzipSync(Buffer.concat([Buffer.from('2024-01-01 09:59:00 WARN db: slow query '), Buffer.from([0xff, 0xfe]), Buffer.from('\nnot matching the format\n\n')])),
    );
    const ctx = createStandaloneContext();
    const out = await ingestLogs({ runDir: join(dir, 'run'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['logs/**/*.log*'] } }, ctx);
    // the line the format does not fit joins the event before it (multi-line events): 3 events
    expect(out).toMatchObject({ lines: 3, unparsed: 0, format: { name: FORMAT.pattern, detected: false, lines: 4, matched: 3, joined: 1 }, streams: ['api.log', 'db.log'], from: Date.UTC(2024, 0, 1, 9, 59), to: Date.UTC(2024, 0, 1, 10, 0, 5) });
    expect(out.source).toBe('file:logs/**/*.log* (2 files)');
    const events = await readEvents(out.eventsFile);
    expect(events[0]).toEqual({ timestamp: Date.UTC(2024, 0, 1, 10), stream: 'api.log', message: 'started', level: 'INFO' });
    expect(events[1].message).toBe('failed 3 times');
    expect(events[2]).toMatchObject({ stream: 'db.log', level: 'WARN', message: 'slow query \ufffd\ufffd' });
    expect((events[2] as { text?: string }).text).toBe('2024-01-01 09:59:00 WARN db: slow query \ufffd\ufffd\nnot matching the format');
    expect(events).toHaveLength(3);
    expect(ctx.progressUpdates.some((p) => p.unit === 'lines' && p.current === 3)).toBe(true);
    expect(ctx.progressUpdates.some((p) => p.unit === 'bytes' && p.total !== undefined && p.total > 0)).toBe(true);
    expect(await readdir(join(dir, 'run'))).toEqual(['events.ndjson']);
  });

  it('streams a large file and a 1 MB single line, truncated to the line cap and counted', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 120_000; i++) lines.push(`2024-01-01 10:${String(i % 60).padStart(2, '0')}:00 INFO svc: request ${i} served`);
    lines.push(`2024-01-01 11:00:00 INFO svc: ${'x'.repeat(1 << 20)}`);
    await writeFile(join(dir, 'big.log'), lines.join('\n'));
    const ctx = createStandaloneContext();
    const out = await ingestLogs({ runDir: join(dir, 'run'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['big.log'] } }, ctx);
    expect(out.lines).toBe(120_001);
    expect(out.unparsed).toBe(0);
    expect(out.truncated).toBe(1);
    const last = (await readFile(out.eventsFile, 'utf8')).trimEnd().split('\n').pop()!;
    // the default cap is 64 KiB of the raw line, header included
    expect((JSON.parse(last) as { message: string }).message).toBe('x'.repeat(65536 - '2024-01-01 11:00:00 INFO svc: '.length));
    const raised = await ingestLogs(
      { runDir: join(dir, 'run2'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['big.log'], maxLineBytes: 2 << 20 } },
      createStandaloneContext(),
    );
    expect(raised.truncated).toBe(0);
    const whole = (await readFile(raised.eventsFile, 'utf8')).trimEnd().split('\n').pop()!;
    expect((JSON.parse(whole) as { message: string }).message).toHaveLength(1 << 20);
    expect(ctx.progressUpdates.filter((p) => p.unit === 'lines').length).toBeGreaterThan(1);
  });

  it('stops on abort and leaves no events file behind (only its checkpoint, for the next attempt)', async () => {
    await writeFile(join(dir, 'a.log'), '2024-01-01 10:00:00 INFO a: x\n'.repeat(200_000));
    const controller = new AbortController();
    const ctx = createStandaloneContext({ signal: controller.signal });
    const origProgress = ctx.progress;
    const abortingCtx = { ...ctx, progress: (p: Parameters<typeof origProgress>[0]) => {
      origProgress(p);
      controller.abort();
    } };
    await expect(
      ingestLogs({ runDir: join(dir, 'run'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['a.log'] } }, abortingCtx),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await readdir(join(dir, 'run'))).toEqual(['state']);
    expect((await readdir(join(dir, 'run', 'state', 'ingest'))).sort()).toEqual(['events.ndjson.partial', 'file-checkpoint.json']);
  });

  it('a path or glob that matches nothing is a non-retryable error naming it', async () => {
    const run = (paths: string[]) =>
      ingestLogs({ runDir: join(dir, 'run'), baseDir: dir, format: FORMAT, source: { type: 'file', paths } }, createStandaloneContext());
    await expect(run(['missing.log'])).rejects.toThrow(/missing\.log/);
    await expect(run(['nowhere/*.log'])).rejects.toMatchObject({ code: 'NOT_FOUND', retryable: false });
    const err = await run(['x/**/*.gz']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as Error).message).toContain('x/**/*.gz');
  });

  it('JSON lines use the stream field when there is one', async () => {
    await writeFile(join(dir, 'j.ndjson'), '{"ts":1700000000000,"msg":"hello","svc":"web","level":"info"}\n{"msg":"no time"}\n');
    const out = await ingestLogs(
      { runDir: join(dir, 'run'), baseDir: dir, format: { type: 'json', messageField: 'msg', timestampField: 'ts', streamField: 'svc' }, source: { type: 'file', paths: ['j.ndjson'] } },
      createStandaloneContext(),
    );
    expect(await readEvents(out.eventsFile)).toEqual([
      { timestamp: 1700000000000, stream: 'web', message: 'hello', level: 'info' },
      { timestamp: null, stream: 'j.ndjson', message: 'no time' },
    ]);
  });
  it('format auto: detects the format from the first file, logs it with the share matched, keeps a traceback with its event', async () => {
    await mkdir(join(dir, 'py'), { recursive: true });
    await copyFile(join(FIXTURES, 'python.log'), join(dir, 'py', 'worker.log'));
    const ctx = createStandaloneContext();
    const out = await ingestLogs({ runDir: join(dir, 'run-auto'), baseDir: dir, format: { type: 'auto' }, source: { type: 'file', paths: ['py/*.log'] } }, ctx);
    expect(out.format).toEqual({ name: 'python', detected: true, lines: 20, matched: 20, joined: 12 });
    expect(out.lines).toBe(8);
    expect(ctx.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['log format python (auto-detected)', 'log format python matched 100% of lines']));
    const events = await readEvents(out.eventsFile);
    const failed = events.find((e) => e.message === 'failed to process invoice 1003') as { level?: string; text?: string };
    expect(failed.level).toBe('ERROR');
    expect(failed.text?.endsWith("KeyError: 'customer_id'")).toBe(true);
  });

  it('a given format that matches no line of a file is bad input naming the file', async () => {
    await mkdir(join(dir, 'pg'), { recursive: true });
    await copyFile(join(FIXTURES, 'postgresql.log'), join(dir, 'pg', 'postgresql.log'));
    const err = await ingestLogs({ runDir: join(dir, 'run-bad'), baseDir: dir, format: { type: 'preset', name: 'redis' }, source: { type: 'file', paths: ['pg/*.log'] } }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('INPUT_INVALID');
    expect((err as Error).message).toContain('postgresql.log: log format redis matched none of its first 16 lines');
  });
});

describe('glob expansion', () => {
  it('*, ? and ** select files, sorted, hidden ones skipped', async () => {
    await mkdir(join(dir, 'a', 'b', 'c'), { recursive: true });
    for (const f of ['x1.log', 'x2.log', 'y.txt', '.hidden.log', 'a/z.log', 'a/b/c/deep.log']) await writeFile(join(dir, f), '');
    expect(await expandGlob('x?.log', dir)).toEqual([join(dir, 'x1.log'), join(dir, 'x2.log')]);
    expect(await expandGlob('**/*.log', dir)).toEqual([join(dir, 'a/b/c/deep.log'), join(dir, 'a/z.log'), join(dir, 'x1.log'), join(dir, 'x2.log')]);
    expect(await expandGlob(join(dir, 'a', '**', 'deep.log'), '/')).toEqual([join(dir, 'a/b/c/deep.log')]);
    expect(await expandGlob('nope/*.log', dir)).toEqual([]);
  });

  it('a name without a glob character is a plain path (tinyglobby is loaded only when one may be a glob)', async () => {
    // the patterns picomatch reads as globs, and plain names with the characters around them
    const patterns = ['a*', 'a?', '[ab].log', '{a,b}.log', 'x{1..3}', '@(a|b)', '+(a)', '!(a)', '!a', 'a(b)', 'a+b.log', 'me@host.log', 'a\\b', 'a,b.log', 'a..b', 'a}b', 'a]b', 'a)b', '~/x.log', 'a b.log', 'a$b', 'a#b'];
    for (const p of patterns) expect([p, await hasGlob(p)]).toEqual([p, isDynamicPattern(p)]);
  });

});

describe('an empty window', () => {
  it('fails the step, naming the source, unless source.allowEmpty says it is normal', async () => {
    await writeFile(join(dir, 'quiet.log'), '\n\n');
    const err = await ingestLogs({ runDir: join(dir, 'run'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['quiet.log'] } }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', retryable: false });
    expect((err as Error).message).toBe('no log events in the window (file:quiet.log (1 file)); if an empty window is normal here, set source.allowEmpty: true');
    const ctx = createStandaloneContext();
    const out = await ingestLogs({ runDir: join(dir, 'run2'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['quiet.log'], allowEmpty: true } }, ctx);
    expect(out.lines).toBe(0);
    expect(ctx.logs.some((l) => l.level === 'warn' && /no log events in the window/.test(l.msg))).toBe(true);
  });
});
