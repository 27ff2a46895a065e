/**
 * Raw log files (plain or .gz) as engine lines through a format parser, for `detect` and for
 * baseline files. A line the format does not fit is kept whole as the message, with no timestamp
 * of its own, as ingestion does: a stack trace line is still evidence.
 */
import { basename } from 'node:path';
import type { ParsedLine } from '../miner/types.js';
import type { EngineLine } from '../engine.js';
import type { LineSource } from '../run.js';
import { readLineBatches } from './read-lines.js';

export type LineParser = (line: string) => ParsedLine | null;

/** `payments.log.gz` -> `payments`. */
export function streamNameOf(path: string): string {
  return basename(path).replace(/\.gz$/i, '').replace(/\.(log|txt|ndjson|jsonl|json)$/i, '') || basename(path);
}

export function fileSource(path: string, parser: LineParser, stream = streamNameOf(path)): LineSource {
  return async function* (signal) {
    let lineNo = 0;
    for await (const batch of readLineBatches(path, signal)) {
      const out: EngineLine[] = [];
      for (const raw of batch) {
        lineNo++;
        if (raw.length === 0) continue;
        const p = parser(raw);
        // One object literal, one shape (level present even when undefined): no spread per line.
        if (p === null) out.push({ content: raw, raw, contentStart: 0, timestamp: null, stream, level: undefined, lineNo });
        else out.push({ content: p.content, raw, contentStart: p.contentStart ?? -1, timestamp: p.timestamp, stream: p.stream ?? stream, level: p.level, lineNo });
      }
      yield out;
    }
  };
}

/** In-memory lines (tests, small inputs). */
export function arraySource(lines: readonly EngineLine[]): LineSource {
  return async function* () {
    yield lines;
  };
}
