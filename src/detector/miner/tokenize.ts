/**
 * Splits masked content into whitespace tokens: the raw token (a parameter value), its masked
 * form, and the line's signature, i.e. its constant tokens only. Tokens that are nothing but
 * wildcards and punctuation are left out of the signature, so a variable that spans a varying
 * number of tokens (`bytes sent` / `bytes (1.2 KB) sent`) does not split a template.
 * Buffers are caller-owned and reused across lines.
 */
import { isDateWord, isVariableToken, maskToken, WILDCARD } from '../mask/token.js';

export interface TokenBuffers {
  raw: string[];
  masked: string[];
  length: number;
  sig: string[];
  sigLength: number;
}

export function createTokenBuffers(): TokenBuffers {
  return { raw: [], masked: [], length: 0, sig: [], sigLength: 0 };
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0xfeff;

/** Fills `buf`; returns the signature key (constant tokens joined by one space, prefixed by their count). */
export function tokenize(s: string, buf: TokenBuffers, maskBuiltin: boolean): string {
  const { raw, masked, sig } = buf;
  let n = 0;
  let k = 0;
  let key = '';
  const len = s.length;
  let i = 0;
  while (i < len) {
    while (i < len && isSpace(s.charCodeAt(i))) i++;
    if (i >= len) break;
    const start = i;
    while (i < len && !isSpace(s.charCodeAt(i))) i++;
    const r = s.slice(start, i);
    let m = maskBuiltin ? maskToken(s, start, i) : r;
    if (maskBuiltin && m === r && isDateWord(r) && nextStartsDate(s, i)) m = WILDCARD;
    raw[n] = r;
    masked[n] = m;
    n++;
    if (!isVariableToken(m)) {
      sig[k++] = m;
      key = k === 1 ? m : key + ' ' + m;
    }
  }
  buf.length = n;
  buf.sigLength = k;
  return key;
}

/** After a weekday/month name: does a day number or another date word follow (`Fri Jun 17`)? */
function nextStartsDate(s: string, from: number): boolean {
  let j = from;
  while (j < s.length && isSpace(s.charCodeAt(j))) j++;
  const c = s.charCodeAt(j);
  if (c >= 48 && c <= 57) return true;
  let e = j;
  while (e < s.length && !isSpace(s.charCodeAt(e))) e++;
  return e > j && isDateWord(s.slice(j, e));
}
