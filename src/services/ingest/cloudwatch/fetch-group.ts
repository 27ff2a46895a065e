/**
 * One log group's window, page by page through the SDK paginator, appended to the group's part
 * file as each page arrives (memory holds one page). After every page the cursor is saved, so a
 * retry resumes after the last page written. Abort stops at once, even inside the SDK's retry wait.
 */
import { open, stat, truncate } from 'node:fs/promises';
import { paginateFilterLogEvents, type CloudWatchLogsClient, type FilteredLogEvent, type FilterLogEventsCommandInput, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type { ProgressUpdate } from '../../context.js';
import { throwIfAborted } from '../../../errors.js';
import type { LineParser } from '../../../detector/format/index.js';
import { EMPTY_CURSOR, SEEN_TAIL, loadCursor, partPath, saveCursor, type GroupCursor } from './cursor.js';
import type { LogGroupRef, ResolvedQuery } from './query.js';
import { awsError } from './errors.js';

/** One line of a part file: the normalized event plus its id (for exact dedup at merge). */
export interface PartRecord {
  readonly t: number;
  readonly s: string;
  readonly m: string;
  readonly l?: string;
  readonly id: string;
  /** 1 when the message did not fit the log format (kept raw). */
  readonly u?: 1;
}

export interface FetchGroupOptions {
  readonly client: CloudWatchLogsClient;
  readonly runDir: string;
  readonly index: number;
  readonly group: LogGroupRef;
  readonly query: ResolvedQuery;
  readonly parse: LineParser;
  /** The parser reads CloudWatch records (`{"timestamp","message"}`) rather than bare messages. */
  readonly parsesRecords: boolean;
  readonly signal: AbortSignal;
  readonly progress: (p: ProgressUpdate) => void;
  readonly onResume: (cursor: GroupCursor) => void;
}

const PROGRESS_EVERY_MS = 150;

function raceAbort<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) throwIfAborted(signal, what);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      try {
        throwIfAborted(signal, what);
      } catch (err) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- throwIfAborted throws only PipelineErrors
        reject(err);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function toPartRecord(e: FilteredLogEvent, group: string, parse: LineParser, parsesRecords: boolean): PartRecord | undefined {
  const raw = (e.message ?? '').replace(/\r?\n$/, '');
  if (raw.trim().length === 0 || e.timestamp === undefined) return undefined;
  const t = e.timestamp;
  const s = `${group}/${e.logStreamName ?? ''}`;
  const id = e.eventId ?? `${t}:${s}:${raw.length}`;
  const parsed = parse(parsesRecords ? JSON.stringify({ timestamp: t, message: raw }) : raw);
  if (parsed === null) return { t, s, m: raw.trim(), id, u: 1 };
  return parsed.level ? { t, s, m: parsed.content, l: parsed.level, id } : { t, s, m: parsed.content, id };
}

/** Makes the part file agree with the cursor: what was appended after the last save is dropped. */
async function alignPart(path: string, cursor: GroupCursor): Promise<GroupCursor> {
  let size = -1;
  try {
    size = (await stat(path)).size;
  } catch {
    /* no part file yet */
  }
  if (size < cursor.bytes) {
    // the committed bytes are gone: the cursor cannot be trusted, fetch this group again
    if (size > 0) await truncate(path, 0);
    return EMPTY_CURSOR;
  }
  if (size > cursor.bytes) await truncate(path, cursor.bytes);
  return cursor;
}

export async function fetchGroup(o: FetchGroupOptions): Promise<GroupCursor> {
  const path = partPath(o.runDir, o.index);
  let cursor = await alignPart(path, await loadCursor(o.runDir, o.index));
  if (cursor.pages > 0) o.onResume(cursor);
  if (cursor.done) return cursor;
  const label = o.group.name;
  const seen = new Set(cursor.seenTail);
  let lastReport = 0;
  const report = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    o.progress({ unit: 'pages', current: cursor.pages, label });
    o.progress({ unit: 'events', current: cursor.events, label });
    o.progress({ unit: 'bytes', current: cursor.bytes, label });
  };
  const input: FilterLogEventsCommandInput = {
    ...o.group.param,
    startTime: o.query.startTime,
    endTime: o.query.endTime,
    ...(o.query.streamNames ? { logStreamNames: [...o.query.streamNames] } : {}),
    ...(o.query.streamPrefix !== undefined ? { logStreamNamePrefix: o.query.streamPrefix } : {}),
    ...(o.query.filterPattern ? { filterPattern: o.query.filterPattern } : {}),
  };
  const pages = paginateFilterLogEvents(
    { client: o.client, ...(cursor.nextToken ? { startingToken: cursor.nextToken } : {}) },
    input,
    { abortSignal: o.signal },
  )[Symbol.asyncIterator]();
  const fh = await open(path, 'a');
  try {
    for (;;) {
      throwIfAborted(o.signal, `fetching ${label}`);
      let step: IteratorResult<FilterLogEventsCommandOutput, unknown>;
      try {
        step = await raceAbort(pages.next(), o.signal, `fetching ${label}`);
      } catch (err) {
        throwIfAborted(o.signal, `fetching ${label}`);
        throw awsError(err, `FilterLogEvents on ${o.group.spec}`);
      }
      if (step.done) break;
      const page = step.value;
      let text = '';
      let added = 0;
      for (const e of page.events ?? []) {
        const rec = toPartRecord(e, label, o.parse, o.parsesRecords);
        if (!rec || seen.has(rec.id)) continue;
        seen.add(rec.id);
        text += JSON.stringify(rec) + '\n';
        added++;
      }
      const buf = Buffer.from(text, 'utf8');
      if (buf.length > 0) {
        await fh.write(buf);
        await fh.datasync();
      }
      const tail = [...seen].slice(-SEEN_TAIL);
      if (seen.size > SEEN_TAIL * 2) {
        seen.clear();
        for (const id of tail) seen.add(id);
      }
      cursor = {
        nextToken: page.nextToken,
        done: !page.nextToken,
        pages: cursor.pages + 1,
        events: cursor.events + added,
        bytes: cursor.bytes + buf.length,
        seenTail: tail,
      };
      await saveCursor(o.runDir, o.index, cursor);
      report(cursor.done);
    }
    if (!cursor.done) {
      cursor = { ...cursor, done: true, nextToken: undefined };
      await saveCursor(o.runDir, o.index, cursor);
    }
    report(true);
    return cursor;
  } finally {
    await fh.close();
    // a pending page request is abandoned on abort; closing the generator lets it finish quietly
    void pages.return?.(undefined).catch(() => {});
  }
}
