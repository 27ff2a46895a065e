import type { EngineLine } from '../../src/detector/engine.js';

export const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);
export const MIN = 60_000;

let n = 0;
export function line(ts: number | null, content: string, level = 'INFO', stream = 'app'): EngineLine {
  n++;
  return { content, raw: `${level} ${content}`, timestamp: ts, level, stream, lineNo: n };
}

/** `count` lines of a template spread evenly over [from, from + ms). */
export function spread(from: number, ms: number, count: number, make: (i: number) => string, level = 'INFO'): EngineLine[] {
  return Array.from({ length: count }, (_, i) => line(from + Math.floor((i * ms) / count), make(i), level));
}

export function byTime(lines: EngineLine[]): EngineLine[] {
  return [...lines].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}
