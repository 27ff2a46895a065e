/**
 * The hot path: one scan over a line splits it into whitespace tokens, plans each token's mask
 * (../mask/token.ts), and folds the line's SIGNATURE (its constant tokens, masked) into a 53-bit
 * hash without building a single string. Strings are built only when the hash is new
 * (`maskedTokens`, `signatureTokens`). Tokens that are nothing but wildcards and punctuation are
 * left out of the signature, so a variable spanning a varying number of tokens
 * (`bytes sent` / `bytes (1.2 KB) sent`) does not split a template.
 */
import { isDateWordAt, planToken, plan, plannedIsVariable, WILDCARD } from '../mask/token.js';

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
  const g32 = (a: Int32Array) => {
    const b = new Int32Array(n);
    b.set(a);
    return b;
  };
  buf.starts = g32(buf.starts);
  buf.ends = g32(buf.ends);
  buf.xs = g32(buf.xs);
  buf.ys = g32(buf.ys);
  const v = new Uint8Array(n);
  v.set(buf.vars);
  buf.vars = v;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0xfeff;

const M1 = 0x01000193;
const M2 = 0x5bd1e995;
let h1 = 0;
let h2 = 0;

function feed(s: string, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
}

function feedCode(c: number): void {
  h1 = Math.imul(h1 ^ c, M1);
  h2 = Math.imul(h2 ^ c, M2);
}

function finish(k: number): number {
  feedCode(k);
  return (h1 >>> 0) * 2097152 + ((h2 >>> 0) >>> 11);
}

/** Tokenizes `s` into `buf` and returns its signature hash. */
export function tokenizeLine(s: string, buf: TokenBuffers, maskBuiltin: boolean): number {
  buf.text = s;
  h1 = 0x811c9dc5;
  h2 = 0x2545f491;
  let n = 0;
  let k = 0;
  const len = s.length;
  let i = 0;
  while (i < len) {
    while (i < len && isSpace(s.charCodeAt(i))) i++;
    if (i >= len) break;
    const start = i;
    while (i < len && !isSpace(s.charCodeAt(i))) i++;
    if (n === buf.starts.length) grow(buf);
    let x = -1;
    let y = 0;
    if (maskBuiltin) {
      x = planToken(s, start, i);
      y = plan.y;
      if (x < 0 && isDateWordAt(s, start, i) && nextStartsDate(s, i)) {
        x = start;
        y = i;
      }
    } else if (s.indexOf(WILDCARD, start) >= 0 && s.indexOf(WILDCARD, start) < i) {
      x = -2; // keep as is, but it may be a pure wildcard token from a configured mask
    }
    buf.starts[n] = start;
    buf.ends[n] = i;
    buf.xs[n] = x;
    buf.ys[n] = y;
    let variable = false;
    if (x >= 0) variable = plannedIsVariable(s, start, x, y, i);
    else if (x === -2) variable = i - start >= 3 && onlyWildcards(s, start, i);
    buf.vars[n] = variable ? 1 : 0;
    n++;
    if (!variable) {
      if (k > 0) feedCode(32);
      if (x >= 0) {
        feed(s, start, x);
        feedCode(60);
        feedCode(42);
        feedCode(62);
        feed(s, y, i);
      } else feed(s, start, i);
      k++;
    }
  }
  buf.length = n;
  buf.sigLength = k;
  return finish(k);
}

/** The same hash for signature tokens held as strings (persisted templates). */
export function hashSignature(tokens: readonly string[]): number {
  h1 = 0x811c9dc5;
  h2 = 0x2545f491;
  for (let t = 0; t < tokens.length; t++) {
    if (t > 0) feedCode(32);
    feed(tokens[t], 0, tokens[t].length);
  }
  return finish(tokens.length);
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

export function rawTokens(buf: TokenBuffers): string[] {
  const out = new Array<string>(buf.length);
  for (let t = 0; t < buf.length; t++) out[t] = buf.text.slice(buf.starts[t], buf.ends[t]);
  return out;
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
