/**
 * Raw log files (plain or .gz) as engine lines through a format parser, for `detect` and for
 * baseline files. A line the format does not fit is kept whole as the message, with no timestamp
 * of its own, as ingestion does: a stack trace line is still evidence.
 */
import { basename } from 'node:path';
import type { ParsedLine } from '../miner/types.js';
import type { EngineLine } from '../engine.js';
import type { LineSource } from '../run.js';
import { readLineBatches, type LineCounts } from './read-lines.js';
import { createEventJoiner, newFormatStats, type FormatStats } from '../format/multiline.js';

export type LineParser = (line: string) => ParsedLine | null;

/** `payments.log.gz` -> `payments`. */
export function streamNameOf(path: string): string {
  return basename(path).replace(/\.gz$/i, '').replace(/\.(log|txt|ndjson|jsonl|json)$/i, '') || basename(path);
}

export interface FileSourceOptions {
  /** The parser is `raw` (every line parses): only continuation-looking lines are joined. */
  readonly rawFormat?: boolean;
  /** Filled while reading: lines, lines matched, lines joined into the event before them. */
  readonly stats?: FormatStats;
  readonly maxLineBytes?: number;
  /** May be shared by the files of one input: `truncated` adds up across them (`offset` is per file). */
  readonly counts?: LineCounts;
  /** Bytes read from disk (compressed bytes for gzip), after each chunk: for a progress bar. */
  readonly onBytes?: (bytes: number) => void;
}

/**
 * Lines go through the multi-line stage (format/multiline.ts): a traceback joins the event that
 * starts it, whose first line is mined and whose joined text is the sample.
 */
export function fileSource(path: string, parser: LineParser, stream = streamNameOf(path), options: FileSourceOptions = {}): LineSource {
  return async function* (signal) {
    const stats = options.stats ?? newFormatStats();
    let out: EngineLine[] = [];
    // One object literal, one shape (level present even when undefined): no spread per line.
    const joiner = createEventJoiner(parser, { rawFormat: options.rawFormat ?? false }, stats, (first, p, text, lineNo, lines) => {
      if (p === null) out.push({ content: text, raw: text, contentStart: 0, timestamp: null, stream, level: undefined, lineNo });
      else out.push({ content: p.content, raw: text, contentStart: lines === 1 ? p.contentStart ?? -1 : -1, timestamp: p.timestamp, stream: p.stream ?? stream, level: p.level, lineNo });
    });
    let lineNo = 0;
    for await (const batch of readLineBatches(path, { signal, maxLineBytes: options.maxLineBytes, counts: options.counts, onBytes: options.onBytes })) {
      for (const raw of batch) {
        lineNo++;
        if (raw.length === 0) continue;
        joiner.push(raw, lineNo);
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
    joiner.end();
    if (out.length > 0) yield out;
  };
}

/** In-memory lines (tests, small inputs). */
export function arraySource(lines: readonly EngineLine[]): LineSource {
  // eslint-disable-next-line @typescript-eslint/require-await -- a LineSource is an async iterable; these lines are already at hand
  return async function* () {
    yield lines;
  };
}
