/**
 * A regex-free fast path for the common loghub patterns: fields separated by literal text and
 * whitespace runs (`<Date> <Time> <Level> <Component>: <Content>`, `\[<Time>\] <Program> - <Content>`),
 * with the message field last. Each lazy field ends at the FIRST place its separator matches,
 * which is exactly what the anchored lazy regex finds first; when a separator is missing the
 * splitter returns null and the caller falls back to the regex, so the semantics never differ.
 *
 * Separators are compiled to flat Int32Arrays of char codes (WS = a whitespace run) and a lone
 * whitespace run, the separator between most fields, gets its own loop: this runs for every line.
 */
export interface Splitter {
  readonly fields: number;
  /** Fills starts/ends for each field; false when the fast path cannot decide. */
  split(line: string, starts: Int32Array, ends: Int32Array): boolean;
  /** Whether the pattern starts with a field and its first `n` separators are lone whitespace runs. */
  opensWithWsFields(n: number): boolean;
  /**
   * split() for a caller that has proved where fields 0..f-1 are (starts/ends filled) and that the
   * separator after field f-1 first matches at sepAt; fills the rest exactly as split() would.
   */
  resume(line: string, f: number, sepAt: number, starts: Int32Array, ends: Int32Array): boolean;
  /**
   * True when the line lacks one of the pattern's literal separator chars (the `-` of ` - `, the
   * `[` of `\[<Time>\]`): then the pattern regex cannot match it either, and the caller need not
   * run it (on such a line, a stack-trace line say, its lazy groups backtrack through every split).
   */
  lacksLiteral(line: string): boolean;
}

/** A separator element that matches a greedy run of whitespace (as `\s+` does, without backtracking). */
const WS = -1;

/**
 * Exactly the chars the pattern regex's `\s` matches (ASCII whitespace, NBSP, the Unicode space
 * separators, line/paragraph separators, BOM): the fast path must split where the regex would.
 */
export const isWs = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || (c >= 160 && (c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));

/** Literal regex source -> separator codes, or null when it holds regex syntax we do not mirror. */
function literalParts(src: string): number[] | null {
  const parts: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === ' ') {
      while (src[i + 1] === ' ') i++;
      parts.push(WS);
    } else if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return null; // \s, \d, \b...: regex classes
      parts.push(n.charCodeAt(0));
      i++;
    } else if ('.^$*+?()[]{}|'.includes(c)) return null;
    else parts.push(c.charCodeAt(0));
  }
  return parts;
}

/** Matches sep at pos; returns the end position or -1. Whitespace runs are greedy, as \s+ is. */
function matchSep(line: string, pos: number, sep: Int32Array): number {
  const n = line.length;
  let p = pos;
  for (let k = 0; k < sep.length; k++) {
    const want = sep[k];
    if (want === WS) {
      if (p >= n || !isWs(line.charCodeAt(p))) return -1;
      p++;
      while (p < n && isWs(line.charCodeAt(p))) p++;
    } else {
      // past the end charCodeAt is NaN, which equals no code
      if (line.charCodeAt(p) !== want) return -1;
      p++;
    }
  }
  return p;
}

/**
 * Where the lone-whitespace separator first matches at or after pos: the field ends at the first
 * whitespace char and the next field starts after the run. Returns the run's start (or -1) and
 * leaves its end in `out[0]`.
 */
function findWsRun(line: string, pos: number, out: Int32Array): number {
  const n = line.length;
  for (let p = pos; p < n; p++) {
    if (!isWs(line.charCodeAt(p))) continue;
    let e = p + 1;
    while (e < n && isWs(line.charCodeAt(e))) e++;
    out[0] = e;
    return p;
  }
  return -1;
}

/** The first place at or after pos where sep matches (same order of tries as the lazy regex). */
function findSep(line: string, pos: number, sep: Int32Array, firstText: string, out: Int32Array): number {
  if (firstText !== '') return findLiteralSep(line, pos, sep, firstText, out);
  const n = line.length;
  for (let p = pos; p < n; p++) {
    if (!isWs(line.charCodeAt(p))) continue;
    const e = matchSep(line, p, sep);
    if (e >= 0) {
      out[0] = e;
      return p;
    }
  }
  return -1;
}

/** findSep for a separator that opens with a literal char: indexOf visits the same candidates natively. */
function findLiteralSep(line: string, pos: number, sep: Int32Array, firstText: string, out: Int32Array): number {
  for (let p = line.indexOf(firstText, pos); p >= 0; p = line.indexOf(firstText, p + 1)) {
    const e = matchSep(line, p, sep);
    if (e >= 0) {
      out[0] = e;
      return p;
    }
  }
  return -1;
}

export function compileSplitter(pattern: string, contentIndex: number): Splitter | null {
  const pieces = pattern.split(/(<[^<>]+>)/);
  const seps: number[][] = [];
  let fields = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (/^<[^<>]+>$/.test(piece)) {
      fields++;
      continue;
    }
    const parts = literalParts(piece);
    if (parts === null) return null;
    seps.push(parts);
  }
  // seps[0] precedes field 0; seps[k] follows field k-1; the last one must be empty (message last)
  if (seps.length !== fields + 1 || seps[fields].length !== 0 || contentIndex !== fields - 1) return null;
  const lead = Int32Array.from(seps[0]);
  const between = seps.slice(1, fields).map((s) => Int32Array.from(s));
  if (between.some((s) => s.length === 0)) return null; // two adjacent lazy fields: leave it to the regex
  const loneWs = between.map((s) => s.length === 1 && s[0] === WS);
  // the opening char of each separator as a string for indexOf ('' when it is whitespace)
  const firstTexts = between.map((s) => (s[0] === WS ? '' : String.fromCharCode(s[0])));
  const next = new Int32Array(1);
  const literals = [...new Set([...seps[0], ...between.flatMap((sep) => [...sep])].filter((c) => c !== WS))].map((c) => String.fromCharCode(c));
  const splitFrom = (line: string, first: number, start: number, starts: Int32Array, ends: Int32Array): boolean => {
    let pos = start;
    for (let f = first; f < fields - 1; f++) {
      const found = loneWs[f] ? findWsRun(line, pos, next) : findSep(line, pos, between[f], firstTexts[f], next);
      if (found < 0) return false;
      starts[f] = pos;
      ends[f] = found;
      pos = next[0];
    }
    starts[fields - 1] = pos;
    ends[fields - 1] = line.length;
    return true;
  };
  return {
    fields,
    split(line, starts, ends) {
      const pos = lead.length === 0 ? 0 : matchSep(line, 0, lead);
      return pos >= 0 && splitFrom(line, 0, pos, starts, ends);
    },
    opensWithWsFields: (n) => lead.length === 0 && n < fields && loneWs.slice(0, n).every(Boolean),
    resume(line, f, sepAt, starts, ends) {
      const pos = matchSep(line, sepAt, between[f - 1]);
      return pos >= 0 && splitFrom(line, f, pos, starts, ends);
    },
    lacksLiteral(line) {
      for (const ch of literals) if (!line.includes(ch)) return true;
      return false;
    },
  };
}
