/**
 * A regex-free fast path for the common loghub patterns: fields separated by literal text and
 * whitespace runs (`<Date> <Time> <Level> <Component>: <Content>`, `\[<Time>\] <Program> - <Content>`),
 * with the message field last. Each lazy field ends at the FIRST place its separator matches,
 * which is exactly what the anchored lazy regex finds first; when a separator is missing the
 * splitter returns null and the caller falls back to the regex, so the semantics never differ.
 */
type SepPart = { readonly ws: true } | { readonly ch: number };

export interface Splitter {
  readonly fields: number;
  /** Fills starts/ends for each field; false when the fast path cannot decide. */
  split(line: string, starts: Int32Array, ends: Int32Array): boolean;
}

const isWs = (c: number) => c === 32 || (c >= 9 && c <= 13);

/** Literal regex source -> separator parts, or null when it holds regex syntax we do not mirror. */
function literalParts(src: string): SepPart[] | null {
  const parts: SepPart[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === ' ') {
      while (src[i + 1] === ' ') i++;
      parts.push({ ws: true });
    } else if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) return null; // \s, \d, \b...: regex classes
      parts.push({ ch: n.charCodeAt(0) });
      i++;
    } else if ('.^$*+?()[]{}|'.includes(c)) return null;
    else parts.push({ ch: c.charCodeAt(0) });
  }
  return parts;
}

/** Matches sep at pos; returns the end position or -1. Whitespace runs are greedy, as \s+ is. */
function matchSep(line: string, pos: number, sep: readonly SepPart[]): number {
  let p = pos;
  for (const part of sep) {
    if ('ws' in part) {
      if (p >= line.length || !isWs(line.charCodeAt(p))) return -1;
      while (p < line.length && isWs(line.charCodeAt(p))) p++;
    } else {
      if (line.charCodeAt(p) !== part.ch) return -1;
      p++;
    }
  }
  return p;
}

export function compileSplitter(pattern: string, contentIndex: number): Splitter | null {
  const pieces = pattern.split(/(<[^<>]+>)/);
  const seps: SepPart[][] = [];
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
  const lead = seps[0];
  const between = seps.slice(1, fields);
  if (between.some((s) => s.length === 0)) return null; // two adjacent lazy fields: leave it to the regex
  // the first char each separator can start with (-1 = whitespace), looked up once per char scanned
  const firstChs = between.map((sep) => ('ws' in sep[0] ? -1 : sep[0].ch));
  return {
    fields,
    split(line, starts, ends) {
      let pos = matchSep(line, 0, lead);
      if (pos < 0) return false;
      for (let f = 0; f < fields - 1; f++) {
        const sep = between[f];
        const firstCh = firstChs[f];
        let found = -1;
        let next = -1;
        for (let p = pos; p < line.length; p++) {
          const c = line.charCodeAt(p);
          if (firstCh < 0 ? !isWs(c) : c !== firstCh) continue;
          const e = matchSep(line, p, sep);
          if (e >= 0) {
            found = p;
            next = e;
            break;
          }
        }
        if (found < 0) return false;
        starts[f] = pos;
        ends[f] = found;
        pos = next;
      }
      starts[fields - 1] = pos;
      ends[fields - 1] = line.length;
      return true;
    },
  };
}
