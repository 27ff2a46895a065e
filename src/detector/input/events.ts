/**
 * The events NDJSON that ingestion writes (`{"timestamp":ms|null,"stream":"...","message":"...",
 * "level"?:"..."}` per line) as engine lines. A line that is not such an object is an error naming
 * the file, line and field: ingestion wrote it, so it is a bug or a corrupt file, not log noise.
 */
import { PipelineError, ErrorCode } from '../../errors.js';
import type { EngineLine } from '../engine.js';
import { OWN_NDJSON_MAX_LINE_BYTES, readLineBatches } from './read-lines.js';
import { jsonProblem } from '../../util/json-problem.js';

export async function* readEvents(path: string, signal?: AbortSignal): AsyncGenerator<EngineLine[]> {
  let lineNo = 0;
  for await (const batch of readLineBatches(path, { signal, maxLineBytes: OWN_NDJSON_MAX_LINE_BYTES })) {
    const out: EngineLine[] = [];
    for (const text of batch) {
      lineNo++;
      if (text.length === 0) continue;
      out.push(toEngineLine(text, lineNo, path));
    }
    yield out;
  }
}

function bad(path: string, lineNo: number, field: string, problem: string): PipelineError {
  return new PipelineError(ErrorCode.INPUT_INVALID, `${path}:${lineNo} ${field}: ${problem}`, { details: { file: path, line: lineNo, field } });
}

function toEngineLine(text: string, lineNo: number, path: string): EngineLine {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw bad(path, lineNo, '(line)', `not JSON: ${jsonProblem(err)}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(path, lineNo, '(line)', 'expected a JSON object');
  const { message, timestamp, stream, level, text: joined } = v;
  if (typeof message !== 'string') throw bad(path, lineNo, 'message', `expected a string, got ${typeof message}`);
  if (timestamp !== null && timestamp !== undefined && (typeof timestamp !== 'number' || !Number.isFinite(timestamp))) {
    throw bad(path, lineNo, 'timestamp', `expected epoch milliseconds or null, got ${JSON.stringify(timestamp)}`);
  }
  return {
    content: message,
    // a multi-line event is mined by its first line's message and sampled whole
    raw: typeof joined === 'string' ? joined : message,
    timestamp: timestamp ?? null,
    stream: typeof stream === 'string' ? stream : '',
    ...(typeof level === 'string' ? { level } : {}),
    lineNo,
  };
}
