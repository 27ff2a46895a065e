/**
 * Raw line -> ParsedLine for every supported format. Parsers never throw on input: a line that does
 * not fit returns null (configuration mistakes throw ConfigError when the parser is created).
 */
import type { LogFormat } from '../../config/settings-types.js';
import type { ParsedLine } from '../miner/types.js';
import { compileLoghubPattern, defaultLevelField, defaultTimestampFields } from './loghub.js';
import { compileSplitter, isWs } from './splitter.js';
import { ISO_HEAD_END, parseIsoDateTimeRange, parseTimestamp, readIsoLineHead } from './timestamp.js';
import { createLayoutParser } from './layout.js';
import { asText, firstPresent, getPath, LEVEL_KEYS, MESSAGE_KEYS, TIMESTAMP_KEYS } from './json-fields.js';
import { cachedTimestamp, presetParser } from './preset-parser.js';
import { presetByName } from './presets.js';
import { logfmtParser } from './logfmt.js';
import { ConfigError, ErrorCode } from '../../errors.js';

export type LineParser = (line: string) => ParsedLine | null;

export interface LineParserOptions {
  /** Year for layouts without one (syslog `Jun 14 15:16:01`); default: the current UTC year. */
  readonly defaultYear?: number;
}

/** Numbers in JSON: seconds, milliseconds, micro- or nanoseconds since the epoch, by magnitude. */
export function timestampFromValue(v: unknown, parseText: (s: string) => number | null): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const a = Math.abs(v);
    if (a < 1e11) return Math.round(v * 1000);
    if (a < 1e14) return Math.round(v);
    if (a < 1e17) return Math.round(v / 1000);
    return Math.round(v / 1e6);
  }
  if (typeof v === 'string') {
    const t = parseText(v);
    if (t !== null) return t;
    const n = Number(v);
    return v.length > 0 && Number.isFinite(n) ? timestampFromValue(n, parseText) : null;
  }
  return null;
}

function stripLine(line: string): string {
  // cheap check first: most lines have no surrounding whitespace once the splitter removed \n
  const n = line.length;
  if (n === 0) return line;
  const a = line.charCodeAt(0);
  const b = line.charCodeAt(n - 1);
  return a <= 32 || b <= 32 || isWs(a) || isWs(b) ? line.trim() : line;
}

/** A parsed loghub line; the other header fields are materialised only when read (rarely). */
class LoghubLine implements ParsedLine {
  constructor(
    readonly content: string,
    readonly timestamp: number | null,
    readonly level: string | undefined,
    readonly stream: string | undefined,
    private readonly line: string,
    private readonly split: (line: string) => Record<string, string> | null,
    readonly contentStart: number,
  ) {}
  get headers(): Record<string, string> {
    return this.split(this.line) ?? {};
  }
}

function loghubParser(format: Extract<LogFormat, { type: 'loghub' }>, opts: LineParserOptions): LineParser {
  const { regex, headers, contentIndex } = compileLoghubPattern(format.pattern);
  const splitter = compileSplitter(format.pattern, contentIndex);
  const groupNames = headers.map((_, i) => `h${i}`);
  const tsFields = format.timestampFields ?? defaultTimestampFields(headers);
  const tsIdx = tsFields.map((f) => headers.indexOf(f)).filter((i) => i >= 0);
  // timestamp fields in order in the line (Date then Time): one slice of the line covers them
  const tsContiguous = tsIdx.length > 0 && tsIdx.every((v, k) => k === 0 || v > tsIdx[k - 1]);
  const tsFirst = tsIdx[0] ?? -1;
  const tsLast = tsIdx[tsIdx.length - 1] ?? -1;
  const levelIdx = headers.indexOf(format.levelField ?? defaultLevelField(headers) ?? '\0');
  const streamIdx = format.streamField ? headers.indexOf(format.streamField) : -1;
  const parseText = cachedTimestamp(
    format.timestampLayout ? createLayoutParser(format.timestampLayout, opts.defaultYear) : (s) => parseTimestamp(s, opts.defaultYear),
  );
  const starts = new Int32Array(headers.length);
  const ends = new Int32Array(headers.length);
  let values: string[] | null = null;

  // `<Date> <Time> …` with the auto parser: a line opening with an ISO timestamp is split and
  // timed in one read of its head (see readIsoLineHead); other lines take the general path
  const headSplitter =
    splitter !== null && !format.timestampLayout && tsIdx.length === 2 && tsIdx[0] === 0 && tsIdx[1] === 1 && splitter.opensWithWsFields(2)
      ? splitter
      : null;

  /** Splits the line; on the regex path `values` holds the fields, on the fast path starts/ends do. */
  const fill = (line: string): boolean => {
    values = null;
    if (splitter !== null) {
      if (splitter.split(line, starts, ends)) return true;
      // the regex cannot match a line without one of the pattern's literal chars either
      if (splitter.lacksLiteral(line)) return false;
    }
    const m = regex.exec(line);
    if (m === null || m.groups === undefined) return false;
    const v: string[] = new Array<string>(headers.length);
    for (let i = 0; i < headers.length; i++) v[i] = m.groups[groupNames[i]] ?? '';
    values = v;
    return true;
  };
  const field = (line: string, i: number): string => (values !== null ? values[i] : line.slice(starts[i], ends[i]));

  const allHeaders = (line: string): Record<string, string> | null => {
    if (!fill(line)) return null;
    const out: Record<string, string> = {};
    for (let i = 0; i < headers.length; i++) if (i !== contentIndex) out[headers[i]] = field(line, i);
    return out;
  };

  // the auto parser reads `yyyy-MM-dd HH:mm:ss.SSS` in place; a configured layout has its own rules
  const isoInPlace = !format.timestampLayout && (tsIdx.length === 1 || tsContiguous);

  const timestampOf = (line: string): number | null => {
    if (tsIdx.length === 0) return null;
    // on the fast path the timestamp text is line[starts[tsFirst], ends[tsLast]): no slice needed
    if (values === null && isoInPlace) {
      const t = parseIsoDateTimeRange(line, starts[tsFirst], ends[tsLast]);
      if (t !== undefined) return t;
    }
    if (tsIdx.length === 1) return parseText(field(line, tsFirst));
    if (values === null && tsContiguous) return parseText(line.slice(starts[tsFirst], ends[tsLast]));
    let tsText = field(line, tsIdx[0]);
    for (let k = 1; k < tsIdx.length; k++) tsText += ' ' + field(line, tsIdx[k]);
    return parseText(tsText);
  };

  // the message is the last field: on the fast path of an unstripped line it is raw[start, end)
  const lineOf = (line: string, timestamp: number | null, raw: string): LoghubLine =>
    new LoghubLine(
      field(line, contentIndex),
      timestamp,
      levelIdx >= 0 ? field(line, levelIdx) : undefined,
      streamIdx >= 0 ? field(line, streamIdx) : undefined,
      line,
      allHeaders,
      values === null && line === raw && ends[contentIndex] === line.length ? starts[contentIndex] : -1,
    );

  return (raw) => {
    const line = stripLine(raw);
    if (headSplitter !== null) {
      const timestamp = readIsoLineHead(line);
      const end = ISO_HEAD_END[0];
      if (end >= 0) {
        // fields 0 and 1 are line[0, 10) and line[11, end), as the splitter would find them
        values = null;
        starts[0] = 0;
        ends[0] = 10;
        starts[1] = 11;
        ends[1] = end;
        if (headSplitter.resume(line, 2, end, starts, ends)) return lineOf(line, timestamp, raw);
      }
    }
    if (!fill(line)) return null;
    return lineOf(line, timestampOf(line), raw);
  };
}

function parseJsonObject(line: string): Record<string, unknown> | null {
  const s = stripLine(line);
  if (s.charCodeAt(0) !== 123 /* { */) return null;
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function topLevelHeaders(obj: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (skip.has(k)) continue;
    const t = asText(v);
    if (t !== undefined) out[k] = t;
  }
  return out;
}

const SYSLOG_SEVERITY = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];

/** journald's PRIORITY and other syslog-numbered levels (one digit 0-7) as names. */
function levelText(v: string | undefined): string | undefined {
  return v !== undefined && v.length === 1 && v >= '0' && v <= '7' ? SYSLOG_SEVERITY[v.charCodeAt(0) - 48] : v;
}

/**
 * A parsed JSON line. Its other top-level fields become headers only when read: nothing on the
 * per-line path of detection or ingestion reads them, and building them cost a tenth of a JSON
 * line's parse. toJSON keeps the plain shape (a joiner checkpoint stores the open event's line).
 */
class JsonLine implements ParsedLine {
  constructor(
    readonly content: string,
    readonly timestamp: number | null,
    readonly level: string | undefined,
    readonly stream: string | undefined,
    private readonly obj: Record<string, unknown>,
    private readonly skip: ReadonlySet<string>,
  ) {}
  get headers(): Record<string, string> {
    return topLevelHeaders(this.obj, this.skip);
  }
  toJSON(): ParsedLine {
    return { content: this.content, timestamp: this.timestamp, level: this.level, stream: this.stream, headers: this.headers };
  }
}

function jsonParser(format: Extract<LogFormat, { type: 'json' }>, opts: LineParserOptions): LineParser {
  const parseText = cachedTimestamp((s) => parseTimestamp(s, opts.defaultYear));
  const tsKeys = format.timestampField ? [format.timestampField] : TIMESTAMP_KEYS;
  const levelKeys = format.levelField ? [format.levelField] : LEVEL_KEYS;
  const skip: ReadonlySet<string> = new Set([format.messageField]);
  return (line) => {
    const obj = parseJsonObject(line);
    if (obj === null) return null;
    const content = asText(getPath(obj, format.messageField));
    if (content === undefined) return null;
    return new JsonLine(
      content,
      timestampFromValue(firstPresent(obj, tsKeys), parseText),
      levelText(asText(firstPresent(obj, levelKeys))),
      format.streamField ? asText(getPath(obj, format.streamField)) : undefined,
      obj,
      skip,
    );
  };
}

/**
 * CloudWatch events as exported/streamed (`{"timestamp":ms,"message":"...","logStreamName":"..."}`).
 * When the message is itself JSON, its message/level fields are used and the rest become headers.
 */
function cloudwatchParser(format: Extract<LogFormat, { type: 'cloudwatch' }>, opts: LineParserOptions): LineParser {
  const parseText = cachedTimestamp((s) => parseTimestamp(s, opts.defaultYear));
  const innerMessageKeys = format.messageField ? [format.messageField] : MESSAGE_KEYS;
  const levelKeys = format.levelField ? [format.levelField] : LEVEL_KEYS;
  return (line) => {
    const obj = parseJsonObject(line);
    if (obj === null) return null;
    const message = asText(obj.message);
    if (message === undefined) return null;
    const timestamp = timestampFromValue(obj.timestamp, parseText);
    const stream = asText(obj.logStreamName ?? obj.stream);
    const inner = message.trimStart().startsWith('{') ? parseJsonObject(message) : null;
    if (inner) {
      const content = asText(firstPresent(inner, innerMessageKeys));
      if (content !== undefined) {
        return {
          content,
          timestamp: timestamp ?? timestampFromValue(firstPresent(inner, TIMESTAMP_KEYS), parseText),
          level: asText(firstPresent(inner, levelKeys)),
          stream,
          headers: topLevelHeaders(inner, new Set(innerMessageKeys)),
        };
      }
    }
    return { content: stripLine(message), timestamp, stream, level: undefined };
  };
}

export function createLineParser(format: LogFormat, options: LineParserOptions = {}): LineParser {
  // resolved once: a per-call default would build a Date for every line
  const opts: LineParserOptions = { ...options, defaultYear: options.defaultYear ?? new Date().getUTCFullYear() };
  switch (format.type) {
    case 'loghub':
      return loghubParser(format, opts);
    case 'json':
      return jsonParser(format, opts);
    case 'cloudwatch':
      return cloudwatchParser(format, opts);
    case 'preset': {
      const p = presetByName(format.name);
      if (!p) throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: 'format', field: 'name' }, `unknown log format "${format.name}"`);
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- createLineParser fills defaultYear before choosing a parser
      return presetParser(p, opts.defaultYear!);
    }
    case 'logfmt':
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- createLineParser fills defaultYear before choosing a parser
      return logfmtParser(opts.defaultYear!);
    case 'auto':
      // resolveFormat (resolve.ts) turns auto into a concrete format from the file's first lines
      throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: 'format', field: 'type' }, 'format "auto" must be resolved against a file before parsing');
    case 'raw':
      return (line) => {
        const content = stripLine(line);
        return content.length === 0 ? null : { content, timestamp: null, contentStart: content === line ? 0 : -1 };
      };
  }
}
