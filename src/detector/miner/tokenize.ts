/**
 * Splits masked content into whitespace tokens, producing both the raw token (a parameter value)
 * and its masked form (what the miner compares), into caller-owned arrays reused across lines.
 */
import { maskToken } from '../mask/token.js';

export interface TokenBuffers {
  raw: string[];
  masked: string[];
  length: number;
}

export function createTokenBuffers(): TokenBuffers {
  return { raw: [], masked: [], length: 0 };
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0xfeff;

/** Fills `buf` and returns the masked key (tokens joined by one space). */
export function tokenize(s: string, buf: TokenBuffers, maskBuiltin: boolean): string {
  const raw = buf.raw;
  const masked = buf.masked;
  let n = 0;
  let key = '';
  const len = s.length;
  let i = 0;
  while (i < len) {
    while (i < len && isSpace(s.charCodeAt(i))) i++;
    if (i >= len) break;
    const start = i;
    while (i < len && !isSpace(s.charCodeAt(i))) i++;
    const r = s.slice(start, i);
    const m = maskBuiltin ? maskToken(s, start, i) : r;
    raw[n] = r;
    masked[n] = m;
    key = n === 0 ? m : key + ' ' + m;
    n++;
  }
  buf.length = n;
  return key;
}
