/**
 * `source.type: cloudwatch`: FilterLogEvents over a time window for one or more log groups, a
 * bounded number at a time, each streamed page by page to a part file with a resumable cursor
 * (./cloudwatch/cursor.ts), then merged into `events.ndjson` ordered by timestamp and deduplicated
 * by event id (./cloudwatch/merge.ts). The events have the same shape as file ingestion's, stream
 * `<group>/<stream>`; the pipeline's log format applies to each message (a `cloudwatch` format reads
 * JSON messages' message/level fields).
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IngestInput, IngestOutput } from '../../contracts.js';
import type { CloudWatchSource } from '../../config/settings-types.js';
import type { ServiceContext } from '../context.js';
import { throwIfAborted } from '../../errors.js';
import { createLineParser } from '../../detector/format/index.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { EVENTS_FILE } from './file.js';
import { createCloudWatchClient, ignoredRetrySettings, roleSessionName } from './cloudwatch/client.js';
import { loadRunState, partPath, saveRunState, stateDir } from './cloudwatch/cursor.js';
import { fetchGroup } from './cloudwatch/fetch-group.js';
import { mergeParts } from './cloudwatch/merge.js';
import { queryFingerprint, resolveQuery, type ResolvedQuery } from './cloudwatch/query.js';

export { resolveQuery, resolveTimeWindow, parseSince } from './cloudwatch/query.js';

export const DEFAULT_CONCURRENCY = 4;
const DONE_FILE = 'done.json';

function describe(source: CloudWatchSource, q: ResolvedQuery): string {
  const window = `${new Date(q.startTime).toISOString()}..${new Date(q.endTime).toISOString()}`;
  return `cloudwatch:${source.region}:${q.groups.map((g) => g.name).join(',')} (${window})`;
}

/** Runs `work` over the items, at most `limit` at once; the first failure aborts the rest. */
async function boundedAll<T>(items: readonly T[], limit: number, parent: AbortSignal, work: (item: T, signal: AbortSignal) => Promise<void>): Promise<void> {
  const ac = new AbortController();
  const signal = AbortSignal.any([parent, ac.signal]);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++];
      try {
        await work(item, signal);
      } catch (err) {
        failure ??= { err };
        ac.abort(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}

async function previousResult(runDir: string, fingerprint: string): Promise<IngestOutput | undefined> {
  try {
    const done = JSON.parse(await readFile(join(stateDir(runDir), DONE_FILE), 'utf8')) as { fingerprint: string; output: IngestOutput };
    if (done.fingerprint !== fingerprint) return undefined;
    await stat(done.output.eventsFile);
    return done.output;
  } catch {
    return undefined;
  }
}

export async function ingestCloudWatch(input: IngestInput & { source: CloudWatchSource }, ctx: ServiceContext): Promise<IngestOutput> {
  const { signal, log } = ctx;
  const { source, runDir } = input;
  throwIfAborted(signal, 'ingest');
  const fresh = resolveQuery(source); // validates the settings even when a saved window is reused
  const fingerprint = queryFingerprint(source);
  const target = join(runDir, EVENTS_FILE);

  const already = await previousResult(runDir, fingerprint);
  if (already) {
    log.info('CloudWatch window already ingested by an earlier attempt; reusing it', { lines: already.lines, source: already.source });
    ctx.artifact({ name: EVENTS_FILE, uri: pathToFileURL(target).href, bytes: (await stat(target)).size });
    return already;
  }
  const saved = await loadRunState(runDir, fingerprint);
  const query = saved?.query ?? fresh;
  if (saved) log.info('resuming the CloudWatch window of an earlier attempt', { from: new Date(query.startTime).toISOString(), to: new Date(query.endTime).toISOString() });
  else await saveRunState(runDir, { fingerprint, query });

  // CloudWatch messages arrive one by one with no file to sniff: `auto` reads them raw
  const parse = createLineParser(input.format.type === 'auto' ? { type: 'raw' } : input.format);
  const ignored = ignoredRetrySettings(source);
  if (ignored.length > 0) log.warn('SDK retry settings are ignored: the step retry policy (steps.execute_cloudwatchLog_injetion) is the one retry layer', { settings: ignored });
  const client = createCloudWatchClient(source, roleSessionName(basename(runDir)));
  log.info('fetching CloudWatch logs', {
    region: source.region,
    logGroups: query.groups.map((g) => g.name),
    from: new Date(query.startTime).toISOString(),
    to: new Date(query.endTime).toISOString(),
    ...(query.filterPattern ? { filterPattern: query.filterPattern } : {}),
  });
  const indexed = query.groups.map((group, index) => ({ group, index }));
  try {
    await boundedAll(indexed, source.concurrency ?? DEFAULT_CONCURRENCY, signal, async ({ group, index }, groupSignal) => {
      const done = await fetchGroup({
        client,
        runDir,
        index,
        group,
        query,
        parse,
        parsesRecords: input.format.type === 'cloudwatch',
        signal: groupSignal,
        progress: ctx.progress,
        onResume: (c) => log.info('resuming log group after the last page written', { logGroup: group.name, pages: c.pages, events: c.events, done: c.done }),
      });
      log.info('log group fetched', { logGroup: group.name, pages: done.pages, events: done.events, bytes: done.bytes });
    });
  } finally {
    client.destroy();
  }

  throwIfAborted(signal, 'ingest');
  const stats = await mergeParts(
    query.groups.map((_, i) => partPath(runDir, i)),
    target,
    stateDir(runDir),
    signal,
  );
  if (stats.duplicates > 0) log.info('dropped duplicate events (same event id)', { duplicates: stats.duplicates });
  if (stats.unparsed > 0) log.warn('messages did not match the log format; kept as raw messages', { unparsed: stats.unparsed, lines: stats.lines });
  const output: IngestOutput = {
    eventsFile: target,
    lines: stats.lines,
    bytes: (await stat(target)).size,
    streams: [...stats.streams].sort(),
    unparsed: stats.unparsed,
    from: stats.from,
    to: stats.to,
    source: describe(source, query),
  };
  // The events file is committed; the parts are no longer needed, the marker makes a re-run free.
  await Promise.all(query.groups.map((_, i) => rm(partPath(runDir, i), { force: true })));
  await writeJsonAtomic(join(stateDir(runDir), DONE_FILE), { fingerprint, output });
  ctx.artifact({ name: EVENTS_FILE, uri: pathToFileURL(target).href, bytes: output.bytes });
  log.info('ingested', { lines: output.lines, streams: output.streams.length, source: output.source });
  return output;
}
