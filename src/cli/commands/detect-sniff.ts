/**
 * `detect` without --format: guess from the first non-empty line, so `detect app.log` does the
 * useful thing for the common shapes (JSON lines; `2026-11-26 09:00:01.123 LEVEL ...` headers) and
 * says what it guessed. Anything else is read raw (no timestamps: only template findings).
 */
import type { LogFormat } from '../../config/settings-types.js';
import { readLineBatches } from '../../detector/index.js';

const LEVEL = '(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL)';

export async function sniffFormat(file: string): Promise<{ format: LogFormat; description: string }> {
  let first = '';
  for await (const batch of readLineBatches(file)) {
    first = batch.find((l) => l.trim() !== '') ?? '';
    if (first) break;
  }
  if (first.trimStart().startsWith('{')) {
    try {
      const obj = JSON.parse(first) as Record<string, unknown>;
      const messageField = ['message', 'msg', 'log', 'text'].find((k) => typeof obj[k] === 'string');
      if (messageField) return { format: { type: 'json', messageField }, description: `json:${messageField}` };
    } catch {
      // not JSON after all: fall through
    }
  }
  const dated = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?Z?\s/;
  if (dated.test(first)) {
    const spaced = /^\S+ \S+ /.test(first);
    const withLevel = new RegExp(`^\\S+${spaced ? ' \\S+' : ''} ${LEVEL} `).test(first);
    const pattern = `${spaced ? '<Date> <Time>' : '<Timestamp>'}${withLevel ? ' <Level>' : ''} <Content>`;
    return { format: { type: 'loghub', pattern }, description: pattern };
  }
  return { format: { type: 'raw' }, description: 'raw (no timestamps found; pass --format)' };
}
