/**
 * The hot path: one scan over a line splits it into whitespace tokens, plans each token's mask
 * (../mask/token.ts), and folds the line's SIGNATURE (its constant tokens, masked) into a 53-bit
 * hash without building a single string. Strings are built only when the hash is new
 * (`maskedTokens`, `signatureTokens`). Tokens that are nothing but wildcards and punctuation are
 * left out of the signature, so a variable spanning a varying number of tokens
 * (`bytes sent` / `bytes (1.2 KB) sent`) does not split a template.
 */
import {
  ALPHA_CLASS,
  CLASS,
  DIGIT_CLASS,
  DOT_CLASS,
  EQ_CLASS,
  hasTwoSlashes,
  hasWildcardIn,
  isDateWordAt,
  isDigitCode,
  isVariableToken,
  MASKABLE,
  planScanned,
  plan,
  plannedIsVariable,
  SLASH_CLASS,
  STAR_CLASS,
  WILDCARD,
} from '../mask/token.js';
import { findSpan, isSqlVerb, isStatementLabel, span } from './spans.js';
import { grown } from '../../util/typed-array.js';

export interface TokenBuffers {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
  /** Wildcard span per token: -1 = unchanged, else masked = text[start,x) + <*> + text[y,end). */
  xs: Int32Array;
  ys: Int32Array;
  /** 1 when the masked token is only wildcard and punctuation (not in the signature). */
  vars: Uint8Array;
  length: number;
  sigLength: number;
}

export function createTokenBuffers(capacity = 64): TokenBuffers {
  return {
    text: '',
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    xs: new Int32Array(capacity),
    ys: new Int32Array(capacity),
    vars: new Uint8Array(capacity),
    length: 0,
    sigLength: 0,
  };
}

function grow(buf: TokenBuffers): void {
  const n = buf.starts.length * 2;
  buf.starts = grown(buf.starts, n);
  buf.ends = grown(buf.ends, n);
  buf.xs = grown(buf.xs, n);
  buf.ys = grown(buf.ys, n);
  buf.vars = grown(buf.vars, n);
}

/**
 * CLASS plus a whitespace marker (\t \n \v \f \r and space), so the scan reads one table per
 * char. SPACE_BIT is above every class bit, so it never leaks into a token's flags.
 */
const SPACE_BIT = 256;
/** Any other ASCII char (`-`, `_`, `#`, `,`, brackets...): CLASS 0, but the fast paths must see it. */
const OTHER_BIT = 512;
/** A char beyond ASCII (counts as a letter for the planner, never for the fast paths). */
const WIDE_BIT = 1024;
/** The class bits the planner knows (CLASS values). */
const PLAN_BITS = 255;
const SCAN_CLASS = new Uint16Array(128);
for (let c = 0; c < 128; c++) SCAN_CLASS[c] = CLASS[c] === 0 ? OTHER_BIT : CLASS[c];
for (const c of [9, 10, 11, 12, 13, 32]) SCAN_CLASS[c] = SPACE_BIT;
const DIGIT = DIGIT_CLASS;
/** First chars that may open a variable span (spans.ts): quotes, `{`, D..W (SQL verbs), s/S (`statement:`). */
const SPAN_FIRST = new Uint8Array(128);
for (const ch of '"\'{DIUWSs') SPAN_FIRST[ch.charCodeAt(0)] = 1;
const ALPHA = ALPHA_CLASS;

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0xfeff;

const M1 = 0x01000193;
const M2 = 0x5bd1e995;
const SEED1 = 0x811c9dc5 | 0;
const SEED2 = 0x2545f491;

// The hash state lives in locals (module-level lets would box every intermediate value).
function combine(h1: number, h2: number, k: number): number {
  h1 = Math.imul(h1 ^ k, M1);
  h2 = Math.imul(h2 ^ k, M2);
  return (h1 >>> 0) * 2097152 + ((h2 >>> 0) >>> 11);
}

/** Whitespace beyond ASCII that splits tokens (NBSP, line/paragraph separators, BOM). */
const isWideSpace = (c: number) => c === 160 || c === 0x2028 || c === 0x2029 || c === 0xfeff;

/**
 * Tokenizes `s` from `from` to its end into `buf` and returns its signature hash. Token positions
 * are indexes into `s`. Passing a whole line and the offset of its message, rather than the message
 * sliced out of it, keeps the reads on a flat string: V8 reads a sliced string's chars about a
 * quarter slower.
 *
 * One read per char: the scan gathers char classes and the digit count (all the planner needs up
 * front) and hashes the token as if it were constant; only a masked token's prefix is read again.
 */
export function tokenizeLine(s: string, buf: TokenBuffers, maskBuiltin: boolean, from = 0): number {
  buf.text = s;
  let h1 = SEED1;
  let h2 = SEED2;
  let n = 0;
  let k = 0;
  let quote = 0;
  /** >= 0: the next token opens a variable span that ends at this index (see spans.ts). */
  let pending = -1;
  /** The token before was PostgreSQL's `statement:` label: SQL follows. */
  let sqlNext = false;
  const len = s.length;
  let i = from;
  // the arrays in locals (reloaded after a grow): a property load per write adds up per token
  let starts = buf.starts;
  let ends = buf.ends;
  let xs = buf.xs;
  let ys = buf.ys;
  let vars = buf.vars;
  for (;;) {
    let c = 0;
    while (i < len) {
      c = s.charCodeAt(i);
      if (c < 128 ? SCAN_CLASS[c] !== SPACE_BIT : !isWideSpace(c)) break;
      i++;
    }
    if (i >= len) break;
    const start = i;
    // the skip loop above left the token's first char in c
    const c0 = c;
    let f = 0;
    let digits = 0;
    // 32 per `=` (EQ_CLASS): counted without a branch, for the key=value fast path
    let eqs = 0;
    // hash as if the token were constant (most are): one read per char
    let t1 = h1;
    let t2 = h2;
    if (k > 0) {
      t1 = Math.imul(t1 ^ 32, M1);
      t2 = Math.imul(t2 ^ 32, M2);
    }
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      if (c < 128) {
        const cls = SCAN_CLASS[c];
        if (cls === SPACE_BIT) break;
        f |= cls;
        digits += cls & DIGIT;
        eqs += cls & EQ_CLASS;
      } else if (isWideSpace(c)) break;
      else f |= ALPHA | WIDE_BIT;
      t1 = Math.imul(t1 ^ c, M1);
      t2 = Math.imul(t2 ^ c, M2);
    }
    if (n === starts.length) {
      grow(buf);
      ({ starts, ends, xs, ys, vars } = buf);
    }
    starts[n] = start;
    ends[n] = i;
    if (quote !== 0) {
      // inside a quoted value that a kv mask opened (`tag="View Lock",`): part of that variable
      xs[n] = start;
      ys[n] = i;
      vars[n] = 1;
      n++;
      if (hasCode(s, quote, start, i)) quote = 0;
      continue;
    }
    let x = -1;
    let y = 0;
    if (maskBuiltin && (pending >= 0 || sqlNext || (c0 < 128 && SPAN_FIRST[c0] === 1))) {
      if (pending >= 0) {
        // the words after a kept leading word (`"GET`, `SELECT`) up to the span's end: one variable
        x = start;
        y = pending;
        i = pending;
        while (i < len && !isSpace(s.charCodeAt(i))) i++;
        ends[n] = i;
        pending = -1;
      } else if (sqlNext) {
        sqlNext = false;
        if ((f & PLAN_BITS) === ALPHA && i < len && isSqlVerb(s, start, i, true)) pending = len;
        else {
          x = start;
          y = len;
          i = len;
          ends[n] = i;
        }
      } else if (c0 === 34 || c0 === 39 || c0 === 123) {
        if (findSpan(s, start, i, c0)) {
          x = span.x;
          y = span.y;
          i = span.end;
          ends[n] = i;
        } else if (span.close >= 0) pending = span.close;
      } else if (c0 >= 68 && c0 <= 87 && i - start >= 4 && i - start <= 6 && (f & PLAN_BITS) === ALPHA && i < len && isSqlVerb(s, start, i)) {
        // D..W: the first letters of the SQL verbs, checked before anything else (most words are lower case)
        pending = len;
      } else if ((c0 === 115 || c0 === 83) && i - start === 10 && i < len && s.charCodeAt(i - 1) === 58 && isStatementLabel(s, start)) {
        sqlNext = true;
      }
    }
    if (x >= 0) {
      // a span (above): variable by construction
    } else if (maskBuiltin) {
      // plain words (the common case) cannot be masked: skip the planner
      if ((f & MASKABLE) !== 0) {
        x = planFast(s, start, i, f, digits, eqs === EQ_CLASS);
        y = x === PLAN_IT ? 0 : fastY;
        if (x === PLAN_IT) {
          x = planScanned(s, start, i, f & PLAN_BITS, digits);
          y = plan.y;
        }
      } else if (i - start === 2) {
        x = planScanned(s, start, i, f & PLAN_BITS, digits);
        y = plan.y;
      }
      if (x < 0 && (f & PLAN_BITS) === ALPHA && isDateWordAt(s, start, i) && nextStartsDate(s, i)) {
        x = start;
        y = i;
      }
    } else if ((f & STAR_CLASS) !== 0 && hasWildcardIn(s, start, i)) {
      x = -2; // kept as is, but may be a pure wildcard token from a configured mask
    }
    xs[n] = x;
    ys[n] = y;
    let variable = false;
    if (x >= 0) variable = plannedIsVariable(s, start, x, y, i);
    else if (x === -2) variable = i - start >= 3 && onlyWildcards(s, start, i);
    vars[n] = variable ? 1 : 0;
    n++;
    if (x > start && (s.charCodeAt(x) === 34 || s.charCodeAt(x) === 39) && s.charCodeAt(x - 1) === 61 && y === i && countCode(s, s.charCodeAt(x), start, i) === 1) {
      quote = s.charCodeAt(x);
    }
    if (variable) continue;
    if (x >= 0) {
      // masked: the signature holds prefix + <*> + suffix, so rehash from the token's start
      t1 = h1;
      t2 = h2;
      if (k > 0) {
        t1 = Math.imul(t1 ^ 32, M1);
        t2 = Math.imul(t2 ^ 32, M2);
      }
      for (let j = start; j < x; j++) {
        const d = s.charCodeAt(j);
        t1 = Math.imul(t1 ^ d, M1);
        t2 = Math.imul(t2 ^ d, M2);
      }
      t1 = Math.imul(Math.imul(Math.imul(t1 ^ 60, M1) ^ 42, M1) ^ 62, M1);
      t2 = Math.imul(Math.imul(Math.imul(t2 ^ 60, M2) ^ 42, M2) ^ 62, M2);
      for (let j = y; j < i; j++) {
        const d = s.charCodeAt(j);
        t1 = Math.imul(t1 ^ d, M1);
        t2 = Math.imul(t2 ^ d, M2);
      }
    }
    h1 = t1;
    h2 = t2;
    k++;
  }
  buf.length = n;
  buf.sigLength = k;
  return combine(h1, h2, k);
}

const PLAN_IT = -3;
let fastY = 0;

/**
 * The planner's answer for the token shapes that fill most log lines, decided from what the scan
 * gathered, without reading the token again: PLAN_IT when the shape is not one of them. Each case
 * is the planner's own path spelled out (see planScanned); a differential test over Loghub,
 * generated and fuzzed lines holds them equal.
 * - ASCII letters and digits with two or more digits (`200`, `33ms`, `13ac06c37eb7dcb3`): all variable
 *   (no brackets to peel, no label-separator-number tail).
 * - digits and dots ending in a digit (`10.0.0.1`, `82.60`): all variable.
 * - `key=value`, one `=`, key starting with a letter, both alphanumeric: the value is variable with
 *   two or more digits, constant with none (one digit takes the planner's word-digit rule).
 * - letters, digits and slashes with two digits or two slashes (`/api/v1/orders/17`): all variable.
 */
function planFast(s: string, start: number, end: number, f: number, digits: number, oneEq: boolean): number {
  if (digits >= 2 && (f & ~(DIGIT | ALPHA)) === 0) {
    fastY = end;
    return start;
  }
  if (digits >= 2 && (f & ~(DIGIT | DOT_CLASS)) === 0 && isDigitCode(s.charCodeAt(end - 1))) {
    fastY = end;
    return start;
  }
  if (oneEq && (f & ~(DIGIT | ALPHA | EQ_CLASS)) === 0 && isAsciiLetter(s.charCodeAt(start)) && s.charCodeAt(end - 1) !== 61) {
    // the key is short: find the `=` and the key's digits by reading it again
    let eq = start + 1;
    let keyDigits = 0;
    for (let c = s.charCodeAt(eq); c !== 61; c = s.charCodeAt(++eq)) if (c >= 48 && c <= 57) keyDigits++;
    const valueDigits = digits - keyDigits;
    if (valueDigits >= 2) {
      fastY = end;
      return eq + 1;
    }
    if (valueDigits === 0) return -1;
    return PLAN_IT;
  }
  if ((f & SLASH_CLASS) !== 0 && (f & ~(SLASH_CLASS | ALPHA | DIGIT)) === 0 && (digits >= 2 || hasTwoSlashes(s, start, end))) {
    fastY = end;
    return start;
  }
  return PLAN_IT;
}

const isAsciiLetter = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;

/** The same hash for signature tokens held as strings (persisted templates). */
export function hashSignature(tokens: readonly string[]): number {
  let h1 = SEED1;
  let h2 = SEED2;
  for (let t = 0; t < tokens.length; t++) {
    const s = tokens[t];
    if (t > 0) {
      h1 = Math.imul(h1 ^ 32, M1);
      h2 = Math.imul(h2 ^ 32, M2);
    }
    for (let j = 0; j < s.length; j++) {
      const d = s.charCodeAt(j);
      h1 = Math.imul(h1 ^ d, M1);
      h2 = Math.imul(h2 ^ d, M2);
    }
  }
  return combine(h1, h2, tokens.length);
}

function tokenAt(buf: TokenBuffers, t: number): string {
  const s = buf.text;
  const x = buf.xs[t];
  const start = buf.starts[t];
  const end = buf.ends[t];
  if (x < 0) return s.slice(start, end);
  const y = buf.ys[t];
  if (x === start && y === end) return WILDCARD;
  return s.slice(start, x) + WILDCARD + s.slice(y, end);
}

export function maskedTokens(buf: TokenBuffers): string[] {
  const out = new Array<string>(buf.length);
  for (let t = 0; t < buf.length; t++) out[t] = tokenAt(buf, t);
  return out;
}

export function signatureTokens(buf: TokenBuffers): string[] {
  const out: string[] = [];
  for (let t = 0; t < buf.length; t++) if (buf.vars[t] === 0) out.push(tokenAt(buf, t));
  return out;
}

function hasCode(s: string, c: number, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (s.charCodeAt(i) === c) return true;
  return false;
}

function countCode(s: string, c: number, a: number, b: number): number {
  let k = 0;
  for (let i = a; i < b; i++) if (s.charCodeAt(i) === c) k++;
  return k;
}

function onlyWildcards(s: string, a: number, b: number): boolean {
  let star = false;
  for (let i = a; i < b; i++) {
    if (s.charCodeAt(i) === 60 && s.startsWith(WILDCARD, i)) {
      star = true;
      i += 2;
    } else if (isWordChar(s.charCodeAt(i))) return false;
  }
  return star;
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c >= 128;

/** After a weekday/month name: does a day number or another date word follow (`Fri Jun 17`)? */
function nextStartsDate(s: string, from: number): boolean {
  let j = from;
  while (j < s.length && isSpace(s.charCodeAt(j))) j++;
  const c = s.charCodeAt(j);
  if (c >= 48 && c <= 57) return true;
  let e = j;
  while (e < s.length && !isSpace(s.charCodeAt(e))) e++;
  return e > j && isDateWordAt(s, j, e);
}

/**
 * A masked part in the shape people write it (the Loghub-2.0 corrected conventions): numbers
 * joined by `:`, `,`, `-` or `#` keep their separators (`10.0.0.1:50010` is `<*>:<*>`, a date
 * `2017-05-16` is `<*>-<*>-<*>`, a time `<*>:<*>:<*>`), dotted numbers stay one (`10.0.0.1`,
 * `1.2.13`), a leading `/` or sign belongs to the value; anything else masked (hex ids, UUIDs, MAC
 * addresses, paths, quoted runs) is one `<*>`. Only the rendered template changes: the
 * signature keeps one `<*>` per masked part, so grouping does not depend on it.
 */
const DECIMAL_RUN = /^[+-]?\d+(?:\.\d+)*(?:[-#]+\d+(?:\.\d+)*)*$/;
const DECIMAL = /\d+(?:\.\d+)*/g;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const WEB = /^https?:/i;
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;
/** A host name: two or more dots between word labels (`proxy.example.edu.hk`). */
const HOST = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){2,}$/;
const hasDigit = (p: string) => /\d/.test(p);

export function renderVariable(s: string, x: number, y: number): string {
  if (y - x < 2) return WILDCARD;
  let v = s.slice(x, y);
  // a web address is one value; another scheme (`hdfs://<*>`, `spark://<*>:<*>`) names the
  // system the address belongs to, so it stays
  const scheme = URL_SCHEME.exec(v);
  if (scheme !== null) return WEB.test(scheme[0]) ? WILDCARD : scheme[0] + renderVariable(v, scheme[0].length, v.length);
  if (v.charCodeAt(0) === 47 && v.indexOf('/', 1) < 0) v = v.slice(1); // `/10.0.0.1:80`: the slash belongs to the value
  if (DECIMAL_RUN.test(v)) return v.replace(/^[+-]/, '').replace(DECIMAL, WILDCARD);
  // parts of one value joined by `:`, `/`, `,` or `#` (`host/10.0.0.1:9000`, `host:8030`), each
  // part a value of its own (a number, an id with digits, a host name); a MAC address or a
  // path is one value
  const parts = v.split(/([:/,#]+)/);
  if (parts.length < 3) return WILDCARD;
  let pieces = 0;
  let hexPairs = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const p = parts[i];
    if (p.length === 0 || !(hasDigit(p) || HOST.test(p))) return WILDCARD;
    pieces++;
    if (HEX_PAIR.test(p)) hexPairs++;
  }
  if (hexPairs >= 5) return WILDCARD;
  let out = '';
  for (let i = 0; i < parts.length; i++) out += i % 2 === 1 ? parts[i] : DECIMAL_RUN.test(parts[i]) ? parts[i].replace(/^[+-]/, '').replace(DECIMAL, WILDCARD) : WILDCARD;
  return pieces > 1 ? out : WILDCARD;
}

/** Letters (then `_` or `-` among them) before the one digit at x. */
function isNameDigit(s: string, start: number, x: number): boolean {
  if (x === start || !isDigitCode(s.charCodeAt(x))) return false;
  for (let i = start; i < x; i++) {
    const c = s.charCodeAt(i);
    if (!((c | 32) >= 97 && (c | 32) <= 122) && !(i > start && (c === 95 || c === 45))) return false;
  }
  return ((s.charCodeAt(x - 1) | 32) >= 97 && (s.charCodeAt(x - 1) | 32) <= 122);
}

const isGlue = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;

function hasGlue(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (isGlue(s.charCodeAt(i))) return true;
  return false;
}

function renderAt(buf: TokenBuffers, t: number): string {
  const s = buf.text;
  const x = buf.xs[t];
  const start = buf.starts[t];
  const end = buf.ends[t];
  if (x < 0) return s.slice(start, end);
  const y = buf.ys[t];
  // a name ending in one digit (`ssh2`, `eth1`, `IPV6`) is masked so that `eth0`/`eth1` share a
  // signature, but as written it is a name: the template shows it (a family that proves it
  // varies turns it into <*>)
  // (punctuation may follow: `wl0:`, `eth1,` are the same names)
  if (y === x + 1 && isNameDigit(s, start, x) && !hasGlue(s, y, end)) return s.slice(start, end);
  // a variable glued to word characters (`blk_<*>`, `<*>ms`) is one variable: no separator
  // tells the constant part from the value
  let a = x;
  while (a > start && isGlue(s.charCodeAt(a - 1))) a--;
  let b = y;
  while (b < end && isGlue(s.charCodeAt(b))) b++;
  if (a < x || b > y) return s.slice(start, a) + WILDCARD + s.slice(b, end);
  return s.slice(start, x) + renderVariable(s, x, y) + s.slice(y, end);
}

/** The template's tokens for a new template: masked parts rendered by renderVariable. */
export function renderTokens(buf: TokenBuffers): string[] {
  const out = new Array<string>(buf.length);
  for (let t = 0; t < buf.length; t++) out[t] = renderAt(buf, t);
  return out;
}

/**
 * renderTokens when configured masks rewrote the line first (in `buf`): a configured regex knows
 * nothing of shapes (`10.0.0.1:50010` becomes one `<*>`), so a token is rendered from the line as
 * written (`raw`, tokenized into `rawBuf`) when the built-in maskers find a variable there too and
 * the mask did not take more of it (`job-<*>` from the line stays `<*>` when a mask took all of
 * `job-17`). With `shapesWin` (the masks group, the template shows what a person would write) a
 * token the masks changed is rendered from the line as written even when the built-in maskers
 * find nothing in it: a dotted name (`com.apple.xpc.launchd`) is a constant until the lines of
 * its template show it varying (the miner merges the values, `com.apple.<*>`); a host name ending
 * in a top-level domain stays `<*>`, an address even when it repeats. Positions the masks
 * changed go to `touched` (left empty when a mask joined or split tokens: then the two do not
 * line up, and the masked line is rendered as it is, or the raw one with `shapesWin`).
 */
export function renderTokensMasked(buf: TokenBuffers, raw: string, from: number, rawBuf: TokenBuffers, shapesWin = false, touched?: number[]): string[] {
  const out = renderTokens(buf);
  tokenizeLine(raw, rawBuf, true, from);
  if (rawBuf.length !== buf.length) return shapesWin ? renderTokens(rawBuf) : out;
  for (let t = 0; t < out.length; t++) {
    const m = out[t];
    if (!m.includes(WILDCARD)) continue;
    const r = renderAt(rawBuf, t);
    if (r === m) continue;
    touched?.push(t);
    if (r.includes(WILDCARD) ? shapesWin || isVariableToken(r) || !isVariableToken(m) : shapesWin && !isAddress(rawBuf, t)) out[t] = r;
  }
  return out;
}

/** Generic top-level domains seen in host names (two-letter country codes are matched by length). */
const TLD = new Set(['com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'io', 'local', 'lan', 'internal']);

/** The token, brackets and punctuation peeled, is a host name ending in a top-level domain (`proxy.cse.cuhk.edu.hk`). */
function isAddress(buf: TokenBuffers, t: number): boolean {
  const m = /[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){2,}/.exec(buf.text.slice(buf.starts[t], buf.ends[t]));
  if (m === null || !HOST.test(m[0])) return false;
  const last = m[0].slice(m[0].lastIndexOf('.') + 1);
  return (last.length === 2 && /^[a-z]{2}$/.test(last)) || TLD.has(last);
}
