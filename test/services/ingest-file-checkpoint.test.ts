/**
 * Mid-ingest checkpoints of file ingestion (issue 13): an attempt stopped part-way leaves a
 * checkpoint, and the next attempt continues from it to the very events.ndjson an uninterrupted
 * run writes (multi-line events open across the stop, .gz files, truncated lines, several files),
 * reading fewer bytes than the whole input. A changed input starts over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ingestLogs } from '../../src/services/ingest/index.js';
import { createStandaloneContext } from '../../src/services/context.js';
import type { IngestInput } from '../../src/contracts.js';
import type { LogFormat } from '../../src/config/settings-types.js';

const FORMAT: LogFormat = { type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lines with tracebacks every so often (events that span lines, and so batch ends), some overlong. */
function logText(n: number, seed: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = String(i % 60).padStart(2, '0');
    out.push(`2024-01-01 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${s} ${i % 17 === 0 ? 'ERROR' : 'INFO'} svc${seed}: request ${i} took ${(i * 7) % 90}ms`);
    if (i % 97 === 0) out.push('Traceback (most recent call last):', `  File "app.py", line ${i}, in handler`, `ValueError: bad ${i}`);
    if (i % 5001 === 0) out.push(`2024-01-01 11:00:00 WARN svc${seed}: ${'y'.repeat(3000)}`);
  }
  // odd seeds write CRLF line ends
  return out.join(seed % 2 === 0 ? '\n' : '\r\n') + '\n';
}

async function writeInputs(): Promise<void> {
  await writeFile(join(dir, 'a.log'), logText(30_000, 0));
  await writeFile(join(dir, 'b.log.gz'), gzipSync(logText(20_000, 1)));
  await writeFile(join(dir, 'c.log'), logText(25_000, 2).replace(/\n$/, '')); // no final newline
}

const input = (run: string): IngestInput => ({ runDir: join(dir, run), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['*.log', '*.log.gz'], maxLineBytes: 2048 }, checkpointEveryMs: 0 }); // a checkpoint after every batch

/** Runs ingestion and aborts it after its `n`-th checkpoint. */
async function stopAfterCheckpoints(run: string, n: number): Promise<void> {
  const ac = new AbortController();
  let seen = 0;
  const ctx = createStandaloneContext({
    signal: ac.signal,
    onLog: (_level, msg) => {
      if (msg === 'ingest checkpoint' && ++seen === n) ac.abort(new Error('stop'));
    },
  });
  await expect(ingestLogs(input(run), ctx)).rejects.toMatchObject({ code: 'ABORTED' });
}

describe('file ingestion checkpoints', () => {
  it('an aborted attempt leaves a checkpoint and no events.ndjson; the next one continues it to the same file', async () => {
    await writeInputs();
    const wholeCtx = createStandaloneContext();
    const whole = await ingestLogs(input('whole'), wholeCtx);
    const expected = await readFile(whole.eventsFile);
    expect(await readdir(join(dir, 'whole'))).toEqual(['events.ndjson']);
    const checkpoints = wholeCtx.logs.filter((l) => l.msg === 'ingest checkpoint').map((l) => l.fields!.file);
    expect(new Set(checkpoints)).toEqual(new Set(['a.log', 'b.log', 'c.log']));

    // early in a.log, inside the .gz file, near the end of the last file
    for (const n of [3, checkpoints.indexOf('b.log') + 5, checkpoints.length - 2]) {
      const run = `stopped-${n}`;
      await stopAfterCheckpoints(run, n);
      expect(await readdir(join(dir, run))).toEqual(['state']);
      expect((await readdir(join(dir, run, 'state', 'ingest'))).sort()).toEqual(['events.ndjson.partial', 'file-checkpoint.json']);
      const ctx = createStandaloneContext();
      const out = await ingestLogs(input(run), ctx);
      expect(out).toEqual({ ...whole, eventsFile: join(dir, run, 'events.ndjson') });
      expect((await readFile(out.eventsFile)).equals(expected), `events.ndjson after a stop at checkpoint ${n}`).toBe(true);
      const resumed = ctx.logs.find((l) => l.msg === 'resuming ingestion at its last checkpoint');
      expect(resumed?.fields?.offset).toBeGreaterThan(0);
      const done = ctx.logs.find((l) => l.msg === 'ingested')!;
      expect(done.fields!.bytesRead as number).toBeLessThan(whole.bytes);
      expect(await readdir(join(dir, run))).toEqual(['events.ndjson']);
    }
  }, 120_000);

  it('a file that changed since the checkpoint makes the next attempt start over', async () => {
    await writeInputs();
    await stopAfterCheckpoints('changed', 5);
    await appendFile(join(dir, 'a.log'), '2024-01-01 12:00:00 INFO late: one more line\n');
    const ctx = createStandaloneContext();
    const out = await ingestLogs(input('changed'), ctx);
    expect(ctx.logs.some((l) => l.msg === 'resuming ingestion at its last checkpoint')).toBe(false);
    const fresh = await ingestLogs(input('fresh'), createStandaloneContext());
    expect((await readFile(out.eventsFile)).equals(await readFile(fresh.eventsFile))).toBe(true);
  }, 60_000);

  it('a partial file shorter than its checkpoint says (lost writes) is not trusted: ingestion starts over', async () => {
    await writeInputs();
    await stopAfterCheckpoints('torn', 5);
    await writeFile(join(dir, 'torn', 'state', 'ingest', 'events.ndjson.partial'), '');
    const ctx = createStandaloneContext();
    const out = await ingestLogs(input('torn'), ctx);
    expect(ctx.logs.some((l) => l.msg === 'resuming ingestion at its last checkpoint')).toBe(false);
    const fresh = await ingestLogs(input('fresh'), createStandaloneContext());
    expect((await readFile(out.eventsFile)).equals(await readFile(fresh.eventsFile))).toBe(true);
  }, 60_000);
});
