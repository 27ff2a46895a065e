/**
 * logfmt (`time=2026-12-04T11:37:43Z level=info msg="a walrus appears" animal=walrus`: Go logrus's
 * text formatter off a terminal, go-kit, Heroku). The message mined is `msg` followed by the other
 * pairs except the timestamp and level, so `animal=walrus` still tells lines apart.
 */
import type { ParsedLine } from '../miner/types.js';
import { parseTimestamp } from './timestamp.js';
import { cachedTimestamp } from './preset-parser.js';

const TIME_KEYS = new Set(['time', 'ts', 'timestamp', 't', '@timestamp', 'datetime']);
const LEVEL_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel']);
const MSG_KEYS = new Set(['msg', 'message']);

/** key=value pairs in order; null when the line is not logfmt (fewer than 2 pairs, or text between pairs). */
export function logfmtPairs(line: string): Array<[string, string]> | null {
  const out: Array<[string, string]> = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const k0 = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c === 61 /* = */ || c === 32 || c === 34) break;
      i++;
    }
    if (i === k0 || line.charCodeAt(i) !== 61) return null;
    const key = line.slice(k0, i);
    i++;
    let value: string;
    if (line.charCodeAt(i) === 34 /* " */) {
      let j = i + 1;
      let v = '';
      let from = j;
      for (; j < n; j++) {
        const c = line.charCodeAt(j);
        if (c === 92 /* \ */ && j + 1 < n) {
          v += line.slice(from, j);
          const e = line[j + 1];
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j++;
          from = j + 1;
        } else if (c === 34) break;
      }
      if (j >= n) return null;
      value = v + line.slice(from, j);
      i = j + 1;
    } else {
      const v0 = i;
      while (i < n && line.charCodeAt(i) !== 32) i++;
      value = line.slice(v0, i);
    }
    out.push([key, value]);
  }
  return out.length >= 2 ? out : null;
}

export function logfmtParser(defaultYear: number): (line: string) => ParsedLine | null {
  const parseText = cachedTimestamp((s) => parseTimestamp(s, defaultYear));
  return (line) => {
    const pairs = logfmtPairs(line);
    if (pairs === null) return null;
    let timestamp: number | null = null;
    let level: string | undefined;
    let msg: string | undefined;
    let rest = '';
    for (const [k, v] of pairs) {
      if (timestamp === null && TIME_KEYS.has(k)) timestamp = parseText(v);
      else if (level === undefined && LEVEL_KEYS.has(k)) level = v;
      else if (msg === undefined && MSG_KEYS.has(k)) msg = v;
      else rest += (rest ? ' ' : '') + k + '=' + v;
    }
    // without a message key the pairs themselves are the message
    const content = msg === undefined ? rest : rest ? `${msg} ${rest}` : msg;
    return { content, timestamp, level };
  };
}
