/**
 * Multi-line events: a Java or Python traceback, a Go panic, an indented continuation belongs to
 * the event that starts it instead of being mined line by line. This stage sits between reading
 * lines and using them: each line goes through the format parser once; a line the format parses
 * starts an event, and following lines it does not parse are appended to that event (bounded by
 * MAX_LINES / MAX_CHARS). For `raw`, where every line "parses", only lines that look like
 * continuations (indented, `at `, `Caused by:`, `Traceback`, `File "`, `goroutine N [`) are joined.
 * The event's first line is what gets mined; the joined text is kept as the sample.
 *
 * Cheap when there is nothing to join: one parse per line and no allocation beyond the event.
 */
import type { ParsedLine } from '../miner/types.js';

export const MAX_LINES = 200;
export const MAX_CHARS = 16 * 1024;

export interface JoinedEvent {
  /** The event's first line as read. */
  readonly first: string;
  /** null: the format did not fit the first line (it is kept whole, no timestamp). */
  readonly parsed: ParsedLine | null;
  /** first plus its continuation lines joined with \n; === first for a one-line event. */
  readonly text: string;
  /** 1-based line number of the first line. */
  readonly lineNo: number;
  readonly lines: number;
}

/** Counts for "format X matched N% of lines": continuation lines that look like one count as matched. */
export interface FormatStats {
  lines: number;
  /** Lines the format parsed, plus continuation lines that look like one (indented, `at `...). */
  matched: number;
  /** Lines appended to the event before them. */
  joined: number;
  /** Up to 3 lines that neither parsed nor looked like a continuation (raw text: sanitize before showing). */
  readonly misses: string[];
}

export const newFormatStats = (): FormatStats => ({ lines: 0, matched: 0, joined: 0, misses: [] });

const CONTINUATION = /^(?:\s|at |Caused by:|Suppressed:|\.\.\. \d+ (?:more|common frames omitted)|Traceback \(most recent call last\):|File "|goroutine \d+ \[|created by |During handling of the above exception|The above exception was the direct cause|\[signal )/;
/** A line that opens a trace: what follows it may be a bare frame (`main.main()`) or `ValueError: x`. */
const TRACE_OPENER = /^(?:Traceback \(most recent call last\):|goroutine \d+ \[|panic: )/;
/** A Java exception's first line (`java.lang.IllegalStateException: ...`), printed under the log line that reports it. */
const JAVA_EXCEPTION = /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b/;
// T(raceback), g(oroutine), p(anic): the regex runs only for lines opening with one (this runs per line)
const opensTrace = (s: string): boolean => {
  const c = s.charCodeAt(0);
  return (c === 84 || c === 103 || c === 112) && TRACE_OPENER.test(s);
};
const TRACE_TAIL = /^(?:[\w.]+(?:Error|Exception|Exit|Interrupt|Warning|Fault)\b|[\w./*()[\]-]+\(.*\)$)/;

// first chars CONTINUATION can start with: the regex runs only when the line opens with one
const OPENERS = new Set(Array.from(' \t\f\v\u00a0aCS.TFgcD[', (c) => c.charCodeAt(0)));
/** A Go stack frame's function line (`main.run`, `net/http.(*conn).serve(...)`): zap and panics print them unindented. */
const GO_FRAME = /^[\w./-]+\.[\w.*()[\]-]+$/;

export function looksLikeContinuation(line: string): boolean {
  const c = line.charCodeAt(0);
  return OPENERS.has(c) ? CONTINUATION.test(line) : c >= 97 && c <= 122 && JAVA_EXCEPTION.test(line);
}

/**
 * Receives each completed event: its first line, what the format made of it (null: nothing), the
 * joined text (=== first for one line), the first line's number and the count of lines. Arguments,
 * not an object: this runs once per line of a log without continuations.
 */
export type EmitEvent = (first: string, parsed: ParsedLine | null, text: string, lineNo: number, lines: number) => void;

export interface EventJoiner {
  /** Feeds one non-blank line; completed events go to the emit callback given at creation. */
  push(raw: string, lineNo: number): void;
  /** Emits the event still open (end of file) and adds this reader's counts to the stats. */
  end(): void;
  /** The joiner's state between two lines (the open event included), for an ingest checkpoint. */
  save(): JoinerState;
}

/**
 * Everything a joiner holds between lines, plain JSON: a joiner created with it continues exactly
 * where the saved one stood, so an ingest resumed at a byte offset emits the same events.
 */
export interface JoinerState {
  readonly open: boolean;
  readonly first: string;
  readonly parsed: ParsedLine | null;
  readonly lineNo: number;
  readonly parts: readonly string[] | null;
  readonly chars: number;
  readonly inTrace: boolean;
  readonly lastTimestamp: number | null;
  readonly seen: number;
  readonly matched: number;
}

export function createEventJoiner(
  parse: (line: string) => ParsedLine | null,
  options: { readonly rawFormat: boolean; readonly maxLines?: number; readonly maxChars?: number; readonly resume?: JoinerState },
  stats: FormatStats,
  emit: EmitEvent,
): EventJoiner {
  const maxLines = options.maxLines ?? MAX_LINES;
  const maxChars = options.maxChars ?? MAX_CHARS;
  const raw = options.rawFormat;
  let open = false;
  let first = '';
  let parsed: ParsedLine | null = null;
  let lineNo = 0;
  let parts: string[] | null = null;
  let chars = 0;
  let inTrace = false;
  let lastTimestamp: number | null = null;
  // counted locally and added to stats by end(): plain locals are cheaper per line than object fields
  let seen = 0;
  let matched = 0;
  if (options.resume) {
    const r = options.resume;
    ({ open, first, parsed, lineNo, chars, inTrace, lastTimestamp, seen, matched } = r);
    parts = r.parts === null ? null : [...r.parts];
  }

  const flush = () => {
    if (!open) return;
    if (parts === null) emit(first, parsed, first, lineNo, 1);
    else emit(first, parsed, parts.join('\n'), lineNo, parts.length);
    open = false;
    parts = null;
  };
  const start = (line: string, p: ParsedLine | null, n: number) => {
    flush();
    open = true;
    first = line;
    parsed = p;
    lineNo = n;
    chars = line.length;
    inTrace = opensTrace(p?.content ?? line);
  };
  const room = (line: string) => open && (parts === null ? 1 : parts.length) < maxLines && chars + line.length < maxChars;
  const append = (line: string) => {
    (parts ??= [first]).push(line);
    chars += line.length + 1;
    stats.joined++;
    if (!inTrace && opensTrace(line)) inTrace = true;
  };

  return {
    push(line, n) {
      seen++;
      if (raw) {
        // raw parses everything: only what looks like a continuation joins
        if (room(line) && (looksLikeContinuation(line) || (inTrace && TRACE_TAIL.test(line)))) {
          matched++;
          append(line);
          return;
        }
        matched++;
        start(line, parse(line), n);
        return;
      }
      const p = parse(line);
      if (p !== null) {
        // the common case, inlined: the open event is complete, this line starts the next
        matched++;
        if (open) {
          if (parts === null) emit(first, parsed, first, lineNo, 1);
          else {
            emit(first, parsed, parts.join('\n'), lineNo, parts.length);
            parts = null;
          }
        }
        open = true;
        first = line;
        parsed = p;
        lineNo = n;
        chars = line.length;
        lastTimestamp = p.timestamp;
        inTrace = opensTrace(p.content);
        return;
      }
      if (line.startsWith('panic: ')) {
        // a Go panic is printed without the logger's header: it is an event of its own, timed by
        // the line before it, and its goroutine dump joins it
        matched++;
        start(line, { content: line, timestamp: lastTimestamp, level: 'panic' }, n);
        return;
      }
      // only an event the format recognised takes lines: unparsed lines after unparsed lines stay apart
      const joins = open && parsed !== null && room(line);
      if (joins && (looksLikeContinuation(line) || (inTrace && TRACE_TAIL.test(line)) || GO_FRAME.test(line))) matched++;
      else if (stats.misses.length < 3) stats.misses.push(line);
      if (joins) {
        append(line);
        return;
      }
      start(line, null, n);
    },
    end() {
      flush();
      stats.lines += seen;
      stats.matched += matched;
      seen = 0;
      matched = 0;
    },
    save: () => ({ open, first, parsed, lineNo, parts: parts === null ? null : [...parts], chars, inTrace, lastTimestamp, seen, matched }),
  };
}
