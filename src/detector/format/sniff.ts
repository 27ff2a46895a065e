/**
 * Which format a file is in, from its first lines: every candidate parses the sample (a few
 * hundred lines, once per file, so no per-line cost later) and the one that matches the largest
 * share wins; on a tie the earlier, more specific candidate does. Below MIN_SHARE nothing fits
 * and the file is read raw. Continuation lines (tracebacks) count as matched, so a Java log full
 * of stack traces is still recognised by its header lines.
 */
import type { LogFormat } from '../../config/settings-types.js';
import { PRESETS } from './presets.js';
import { createEventJoiner, newFormatStats, type FormatStats } from './multiline.js';
import { createLineParser } from './line-parser.js';
import { MESSAGE_KEYS } from './json-fields.js';

export const SNIFF_LINES = 200;
/** A guess must match at least this share of the sample. */
export const MIN_SHARE = 0.6;

export interface FormatChoice {
  readonly format: LogFormat;
  /** `postgresql`, `json:msg`, `raw`... */
  readonly name: string;
  /** Lines of the sample the format matched, and the sample's size (non-blank lines). */
  readonly matched: number;
  readonly sampled: number;
  /** Up to 3 sample lines it did not match (raw text: sanitize before showing). */
  readonly misses: readonly string[];
}

/** The name users see and can pass back as --format. */
export function formatName(format: LogFormat): string {
  switch (format.type) {
    case 'preset':
      return format.name;
    case 'json': {
      if (format.messageField === 'MESSAGE' && format.timestampField === '__REALTIME_TIMESTAMP') return 'journald-json';
      const opts = [format.timestampField && `ts=${format.timestampField}`, format.levelField && `level=${format.levelField}`, format.streamField && `stream=${format.streamField}`].filter(Boolean);
      return `json:${format.messageField}${opts.length ? ',' + opts.join(',') : ''}`;
    }
    case 'loghub':
      return format.pattern;
    default:
      return format.type;
  }
}

export const JOURNALD_JSON: LogFormat = { type: 'json', messageField: 'MESSAGE', timestampField: '__REALTIME_TIMESTAMP', levelField: 'PRIORITY', streamField: 'SYSLOG_IDENTIFIER' };

/** JSON candidates from the first object in the sample: its message key decides. */
function jsonCandidates(lines: readonly string[]): LogFormat[] {
  const first = lines.find((l) => l.trimStart().startsWith('{'));
  if (first === undefined) return [];
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(first) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (obj === null || typeof obj !== 'object') return [];
  if ('__REALTIME_TIMESTAMP' in obj && 'MESSAGE' in obj) return [JOURNALD_JSON];
  if ('logStreamName' in obj && 'message' in obj) return [{ type: 'cloudwatch' }];
  const key = MESSAGE_KEYS.find((k) => typeof obj[k] === 'string') ?? Object.keys(obj).find((k) => /^(message|msg)$/i.test(k));
  return key ? [{ type: 'json', messageField: key }] : [];
}

/** How much of `lines` the format matches (tracebacks joined as they will be when reading). */
export function measureFormat(format: LogFormat, lines: readonly string[], defaultYear?: number): FormatStats {
  const stats = newFormatStats();
  const joiner = createEventJoiner(createLineParser(format, { defaultYear }), { rawFormat: format.type === 'raw' }, stats, () => {});
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() !== '') joiner.push(lines[i], i + 1);
  joiner.end();
  return stats;
}

export function sniffLines(lines: readonly string[], defaultYear?: number): FormatChoice {
  const candidates: LogFormat[] = [...jsonCandidates(lines), ...PRESETS.slice(0, -2).map((p) => ({ type: 'preset', name: p.name }) as const), { type: 'logfmt' }, ...PRESETS.slice(-2).map((p) => ({ type: 'preset', name: p.name }) as const)];
  let best: { format: LogFormat; stats: FormatStats } | null = null;
  for (const format of candidates) {
    const stats = measureFormat(format, lines, defaultYear);
    if (best === null || stats.matched > best.stats.matched) best = { format, stats };
    if (stats.lines > 0 && stats.matched === stats.lines) break; // nothing later can do better
  }
  if (best === null || best.stats.lines === 0 || best.stats.matched < MIN_SHARE * best.stats.lines) {
    const n = lines.filter((l) => l.trim() !== '').length;
    return { format: { type: 'raw' }, name: 'raw', matched: n, sampled: n, misses: [] };
  }
  const format = fastEquivalent(best.format, best.stats, lines, defaultYear) ?? best.format;
  return { format, name: formatName(format), matched: best.stats.matched, sampled: best.stats.lines, misses: best.stats.misses };
}

/** The loghub patterns that read what iso-level / iso-plain read, on the splitter's fast path. */
const FAST_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  'iso-level': ['<Date> <Time> <Level> <Content>', '<Timestamp> <Level> <Content>'],
  'iso-plain': ['<Date> <Time> <Content>', '<Timestamp> <Content>'],
};

/**
 * The generic ISO formats are regexes; when every sample line also fits a loghub pattern with
 * plain space separators, that pattern reads them the same way through the regex-free splitter
 * (and times `yyyy-MM-dd HH:mm:ss` heads in place), so it is used instead.
 */
function fastEquivalent(format: LogFormat, stats: FormatStats, lines: readonly string[], defaultYear?: number): LogFormat | null {
  if (format.type !== 'preset' || stats.matched !== stats.lines) return null;
  const parsePreset = createLineParser(format, { defaultYear });
  for (const pattern of FAST_EQUIVALENTS[format.name] ?? []) {
    const candidate: LogFormat = { type: 'loghub', pattern };
    const parse = createLineParser(candidate, { defaultYear });
    const same = lines.every((l) => {
      if (l.trim() === '') return true;
      const a = parsePreset(l);
      const b = parse(l);
      // lines the preset leaves to the multi-line stage must stay unparsed too
      if (a === null) return b === null;
      return b !== null && a.content === b.content && a.timestamp === b.timestamp && a.level === b.level;
    });
    if (same) return candidate;
  }
  return null;
}
