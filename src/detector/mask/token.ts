/**
 * The built-in maskers, decided per whitespace token by one char-class scan instead of a regex per
 * kind: a token is variable when it carries a digit (numbers, hex ids, IPv4/IPv6 and ports, UUIDs,
 * timestamps, durations, versions), or is a URL, an email address, a path with two or more
 * segments, or the value of `key=value`. Brackets and trailing punctuation around a variable stay
 * literal so `[10.0.0.1]` becomes `[<*>]` and `(uid=0)` becomes `(uid=<*>)`.
 */
export const WILDCARD = '<*>';

const enum C {
  digit = 1,
  alpha = 2,
  slash = 4,
  at = 8,
  colon = 16,
  eq = 32,
  dot = 64,
  star = 128,
}

const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = C.digit;
for (let c = 65; c <= 90; c++) CLASS[c] = C.alpha;
for (let c = 97; c <= 122; c++) CLASS[c] = C.alpha;
CLASS[47] = C.slash;
CLASS[92] = C.slash; // backslash paths (Windows)
CLASS[64] = C.at;
CLASS[58] = C.colon;
CLASS[61] = C.eq;
CLASS[46] = C.dot;
CLASS[42] = C.star;

const isOpen = (c: number) => c === 40 || c === 91 || c === 123 || c === 34 || c === 39 || c === 60; // ( [ { " ' <
const isClose = (c: number) =>
  c === 41 || c === 93 || c === 125 || c === 34 || c === 39 || c === 62 || c === 44 || c === 59 || c === 46 || c === 58 || c === 33 || c === 63; // ) ] } " ' > , ; . : ! ?

/**
 * Masks one token of `s` in [start, end). Returns the token itself when it is constant (no new
 * string), or its masked form. The caller guarantees start < end and no whitespace inside.
 */
export function maskToken(s: string, start: number, end: number): string {
  let flags = 0;
  let slashes = 0;
  let firstEq = -1;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : C.alpha;
    flags |= k;
    if (k === C.slash) slashes++;
    else if (k === C.eq && firstEq < 0) firstEq = i;
  }
  if ((flags & (C.digit | C.slash | C.at | C.eq)) === 0) return s.slice(start, end);
  if (flags & C.star && s.indexOf(WILDCARD, start) >= 0 && s.indexOf(WILDCARD, start) < end && !(flags & C.digit)) {
    // already masked by a configured regex, e.g. `blk_<*>`: keep its shape
    return s.slice(start, end);
  }
  // peel brackets and trailing punctuation
  let a = start;
  let b = end;
  while (a < b && isOpen(s.charCodeAt(a))) a++;
  while (b > a && isClose(s.charCodeAt(b - 1))) b--;
  if (a >= b) return s.slice(start, end);
  if (firstEq > a && firstEq < b - 1 && isKey(s, a, firstEq)) {
    // key=value: the key stays, the value is variable
    return s.slice(start, firstEq + 1) + WILDCARD + s.slice(b, end);
  }
  let variable = (flags & C.digit) !== 0;
  if (!variable && flags & C.at) variable = isEmail(s, a, b);
  if (!variable && flags & C.slash) variable = slashes >= 2 || s.indexOf('://', a) > a;
  if (!variable) return s.slice(start, end);
  if (a === start && b === end) return WILDCARD;
  return s.slice(start, a) + WILDCARD + s.slice(b, end);
}

function isKey(s: string, a: number, eq: number): boolean {
  for (let i = a; i < eq; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : 0;
    if (!(k === C.alpha || k === C.digit || c === 95 || c === 45 || c === 46)) return false;
  }
  return true;
}

function isEmail(s: string, a: number, b: number): boolean {
  const at = s.indexOf('@', a);
  if (at <= a || at >= b - 3) return false;
  const dot = s.indexOf('.', at);
  return dot > at + 1 && dot < b - 1;
}
