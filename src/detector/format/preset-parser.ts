/** A preset (presets.ts) as a LineParser: one regex exec per line, the groups read by number. */
import type { ParsedLine } from '../miner/types.js';
import type { Preset } from './presets.js';
import { parseTimestamp } from './timestamp.js';

/** A one-entry cache: consecutive lines very often carry the same timestamp text. */
export function cachedTimestamp(parse: (s: string) => number | null): (s: string) => number | null {
  let lastText = '';
  let lastValue: number | null = null;
  return (s) => {
    if (s === lastText) return lastValue;
    lastText = s;
    lastValue = parse(s);
    return lastValue;
  };
}

export function presetParser(p: Preset, defaultYear: number): (line: string) => ParsedLine | null {
  const { regex, ts, level, stream, msg, levelOf, tsText } = p;
  const parseText = cachedTimestamp(tsText ? (s) => parseTimestamp(tsText(s, defaultYear), defaultYear) : (s) => parseTimestamp(s, defaultYear));
  return (line) => {
    const m = regex.exec(line);
    if (m === null) return null;
    const lv = level > 0 ? m[level] : undefined;
    const t = ts > 0 ? m[ts] : undefined;
    return {
      content: m[msg] ?? '',
      timestamp: t ? parseText(t) : null,
      level: lv !== undefined && levelOf ? levelOf(lv, m) : lv,
      stream: stream > 0 ? m[stream] || undefined : undefined,
    };
  };
}
