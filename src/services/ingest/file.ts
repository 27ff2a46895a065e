/**
 * `source.type: file`: local paths, directories and globs, plain or gzip, streamed line by line through the
 * configured format into normalized events. Lines that do not fit the format are kept as raw
 * messages (no timestamp) and counted as `unparsed`; blank lines are skipped.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IngestInput, IngestOutput } from '../../contracts.js';
import type { FileSource } from '../../config/settings-types.js';
import type { ServiceContext } from '../context.js';
import { ErrorCode, PipelineError, errnoCode, messageOf, throwIfAborted } from '../../errors.js';
import { createEventJoiner, createLineParser, describeMisses, newFormatStats, resolveFormat, sharePercent, verdict, WARN_SHARE, type EventJoiner, type FormatStats, type ResolvedFormat } from '../../detector/format/index.js';
import { expandGlob } from './glob.js';
import { DEFAULT_MAX_LINE_BYTES, readLineBatches, seeksTo, type LineCounts } from '../../detector/input/read-lines.js';
import { CHECKPOINT_EVERY_MS, inputFingerprint, loadFileCheckpoint, openPartialEvents, saveFileCheckpoint } from './file-checkpoint.js';

export const EVENTS_FILE = 'events.ndjson';

const PROGRESS_EVERY_LINES = 50_000;
const PROGRESS_EVERY_MS = 200;

/**
 * Every file the entries name, in order (a directory: its files matching `include`, recursively);
 * an entry that matches nothing is an error naming it.
 */
export async function resolveSourceFiles(paths: readonly string[], baseDir: string, include?: readonly string[]): Promise<string[]> {
  if (paths.length === 0) throw new PipelineError(ErrorCode.INPUT_INVALID, 'source.paths is empty: name at least one file or glob');
  const files: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const matched = await expandGlob(p, baseDir, include);
    if (matched.length === 0) {
      throw new PipelineError(ErrorCode.NOT_FOUND, `no log file matches "${p}" (resolved from ${baseDir})`, { retryable: false, details: { path: p } });
    }
    for (const f of matched) if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  }
  return files;
}

export function streamNameFor(file: string): string {
  const b = basename(file);
  return b.toLowerCase().endsWith('.gz') ? b.slice(0, -3) : b;
}

/**
 * `auto` becomes the format guessed from the first file's first lines; a given format is measured
 * on each file's first lines: matching none is bad input naming the file, under 90% a warning.
 */
async function chooseFormat(format: IngestInput['format'], files: readonly string[], signal: AbortSignal, log: ServiceContext['log']): Promise<ResolvedFormat> {
  let first: ResolvedFormat | null = null;
  for (const file of files) {
    const r = await resolveFormat(first?.format ?? format, file, signal);
    if (first === null) {
      first = r;
      log.info(`log format ${r.name} (${r.detected ? 'auto-detected' : 'given'})`, { format: r.name, detected: r.detected, matched: r.matched, sampled: r.sampled, file: basename(file) });
    }
    // a format detected on the first file and not fitting another is worth a warning, not an error
    const v = format.type === 'auto' && r !== first ? (r.sampled > 0 && r.matched < WARN_SHARE * r.sampled ? 'low' : 'ok') : verdict(r);
    if (v === 'none') {
      throw new PipelineError(ErrorCode.INPUT_INVALID, `${file}: log format ${r.name} matched none of its first ${r.sampled} lines, e.g.\n${describeMisses(r)}\nremove format from the settings to auto-detect, or use type: raw`, {
        retryable: false,
        details: { file, format: r.name },
      });
    }
    if (v === 'low') log.warn(`log format ${r.name} matched only ${r.matched} of the first ${r.sampled} lines of ${basename(file)}; lines it did not match:\n${describeMisses(r)}`, { file: basename(file) });
  }
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the loop sets first on the first file, and callers pass at least one
  return first!;
}

export async function ingestFiles(input: IngestInput & { source: FileSource }, ctx: ServiceContext): Promise<IngestOutput> {
  const { signal, log, progress } = ctx;
  throwIfAborted(signal, 'ingest');
  const files = await resolveSourceFiles(input.source.paths, input.baseDir, input.source.include);
  let totalBytes = 0;
  for (const f of files) totalBytes += (await stat(f)).size;
  const chosen = await chooseFormat(input.format, files, signal, log);
  const parse = createLineParser(chosen.format);
  const target = join(input.runDir, EVENTS_FILE);
  // an earlier attempt's checkpoint (a retry, or run --resume after a kill) is where this one starts
  const fingerprint = await inputFingerprint(input, files);
  const ck = await loadFileCheckpoint(input.runDir, fingerprint);
  const stats: FormatStats = ck ? { ...ck.stats, misses: [...ck.stats.misses] } : newFormatStats();
  const writer = await openPartialEvents(input.runDir, ck ? ck.eventsBytes : null);
  const streams = new Set<string>(ck?.streams ?? []);
  let lines = ck?.lines ?? 0;
  let unparsed = ck?.unparsed ?? 0;
  let from: number | null = ck?.from ?? null;
  let to: number | null = ck?.to ?? null;
  // bytes of the files (compressed for .gz) read so far, as an uninterrupted run counts them
  let bytes = ck ? ck.bytesBefore + (seeksTo(files[ck.fileIndex]) ? ck.offset : 0) : 0;
  let bytesRead = 0;
  let truncated = ck?.truncatedBefore ?? 0;
  let lastLines = 0;
  let lastAt = Date.now();
  const report = (file: string, force = false) => {
    const now = Date.now();
    if (!force && lines - lastLines < PROGRESS_EVERY_LINES && now - lastAt < PROGRESS_EVERY_MS) return;
    lastLines = lines;
    lastAt = now;
    progress({ unit: 'lines', current: lines, label: streamNameFor(file) });
    progress({ unit: 'bytes', current: bytes, total: totalBytes, label: streamNameFor(file) });
  };
  const maxLineBytes = input.source.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const checkpointEvery = input.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
  let lastCheckpoint = Date.now();
  // where the read stands between two batches: what a checkpoint records
  let at: { fileIndex: number; bytesBefore: number; lineNo: number; counts: LineCounts; joiner: EventJoiner } | undefined;
  const checkpoint = async () => {
    if (!at) return;
    const eventsBytes = await writer.sync();
    const { fileIndex, bytesBefore, lineNo, counts, joiner } = at;
    await saveFileCheckpoint(input.runDir, {
      v: 1, fingerprint, fileIndex, offset: counts.offset, lineNo, bytesBefore, truncatedBefore: truncated, truncated: counts.truncated,
      eventsBytes, lines, unparsed, from, to, streams: [...streams], stats, joiner: joiner.save(),
    });
    lastCheckpoint = Date.now();
    log.debug('ingest checkpoint', { file: streamNameFor(files[fileIndex]), offset: counts.offset, events: lines, eventsBytes });
  };
  if (ck) log.info('resuming ingestion at its last checkpoint', { file: streamNameFor(files[ck.fileIndex]), offset: ck.offset, events: ck.lines });
  log.info('ingesting log files', { files: files.length, bytes: totalBytes });
  try {
    for (let fileIndex = ck?.fileIndex ?? 0; fileIndex < files.length; fileIndex++) {
      const file = files[fileIndex];
      const resumed = ck && fileIndex === ck.fileIndex ? ck : undefined;
      const fileStream = streamNameFor(file);
      // tracebacks join the event that starts them (format/multiline.ts); the joined text is kept as `text`
      const joiner = createEventJoiner(parse, { rawFormat: chosen.format.type === 'raw', resume: resumed?.joiner }, stats, (_first, parsed, text, _lineNo, joined) => {
        lines++;
        if (parsed === null) {
          unparsed++;
          streams.add(fileStream);
          writer.write({ timestamp: null, stream: fileStream, message: text.trim() });
          return;
        }
        const stream = parsed.stream || fileStream;
        streams.add(stream);
        const ts = parsed.timestamp;
        if (ts !== null) {
          if (from === null || ts < from) from = ts;
          if (to === null || ts > to) to = ts;
        }
        writer.write({ timestamp: ts, stream, message: parsed.content, level: parsed.level, text: joined > 1 ? text : undefined });
      });
      let lineNo = resumed?.lineNo ?? 0;
      const counts: LineCounts = { truncated: resumed?.truncated ?? 0, offset: resumed?.offset ?? 0 };
      at = { fileIndex, bytesBefore: resumed?.bytesBefore ?? bytes, lineNo, counts, joiner };
      const onBytes = (n: number) => {
        bytes += n;
        bytesRead += n;
      };
      for await (const batch of readLineBatches(file, { signal, maxLineBytes, counts, onBytes, start: resumed?.offset })) {
        for (const raw of batch) {
          lineNo++;
          if (raw.length === 0 || raw.trim().length === 0) continue;
          joiner.push(raw, lineNo);
        }
        at.lineNo = lineNo;
        await writer.flush();
        report(file);
        if (Date.now() - lastCheckpoint >= checkpointEvery) await checkpoint();
      }
      joiner.end();
      at = undefined;
      report(file, true);
      if (counts.truncated > 0) log.warn('lines longer than the line cap were truncated', { file: streamNameFor(file), truncated: counts.truncated, maxLineBytes });
      truncated += counts.truncated;
    }
    throwIfAborted(signal, 'ingest');
    await writer.commit(target);
  } catch (err) {
    // cancelled between two batches: record where it stood, so a resume loses nothing
    if (signal.aborted) await checkpoint().catch(() => undefined);
    await writer.close().catch(() => undefined);
    if (err instanceof PipelineError) throw err;
    throw new PipelineError(errnoCode(err) === 'ENOENT' ? ErrorCode.NOT_FOUND : ErrorCode.IO, `reading logs failed: ${messageOf(err)}`, { cause: err });
  }
  if (unparsed > 0) log.warn('lines did not match the log format; kept as raw messages', { unparsed, lines });
  const format = { name: chosen.name, detected: chosen.detected, lines: stats.lines, matched: stats.matched, joined: stats.joined };
  log.info(`log format ${chosen.name} matched ${sharePercent(stats.matched, stats.lines)} of lines`, format);
  const eventsBytes = (await stat(target)).size;
  ctx.artifact({ name: EVENTS_FILE, uri: pathToFileURL(target).href, bytes: eventsBytes });
  log.info('ingested', { lines, unparsed, truncated, streams: streams.size, bytesRead, ...(ck ? { resumedAt: { file: streamNameFor(files[ck.fileIndex]), offset: ck.offset } } : {}) });
  return {
    eventsFile: target,
    lines,
    bytes,
    streams: [...streams].sort(),
    unparsed,
    format,
    truncated,
    from,
    to,
    source: `file:${input.source.paths.join(',')} (${files.length} file${files.length === 1 ? '' : 's'})`,
  };
}
