/**
 * A file's format before reading it: `auto` becomes the best guess from its first lines; an
 * explicit format is measured on the same lines so a wrong `--format` is caught before the run
 * (under WARN_SHARE: a warning with a few lines it missed; no line at all: an error the caller
 * raises, naming the file). Reads at most SNIFF_LINES lines, once per file.
 */
import type { LogFormat } from '../../config/settings-types.js';
import { readLineBatches } from '../input/read-lines.js';
import { formatName, measureFormat, sniffLines, SNIFF_LINES, type FormatChoice } from './sniff.js';
import { sanitizeForTerminal, truncate } from '../../util/sanitize.js';

export const WARN_SHARE = 0.9;

export interface ResolvedFormat extends FormatChoice {
  /** true when `auto` chose it. */
  readonly detected: boolean;
}

export async function sampleLines(file: string, signal?: AbortSignal, max = SNIFF_LINES): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readLineBatches(file, signal)) {
    for (const l of batch) {
      if (l.trim() === '') continue;
      out.push(l);
      if (out.length >= max) return out;
    }
  }
  return out;
}

export function resolveFromLines(format: LogFormat, lines: readonly string[]): ResolvedFormat {
  if (format.type === 'auto') return { ...sniffLines(lines), detected: true };
  const stats = measureFormat(format, lines);
  return { format, name: formatName(format), matched: stats.matched, sampled: stats.lines, misses: stats.misses, detected: false };
}

export async function resolveFormat(format: LogFormat, file: string, signal?: AbortSignal): Promise<ResolvedFormat> {
  return resolveFromLines(format, await sampleLines(file, signal));
}

export const sharePercent = (matched: number, total: number): string => (total === 0 ? '100%' : `${(Math.floor((1000 * matched) / total) / 10).toString()}%`);

/** `postgresql (auto-detected): matched 200 of the first 200 lines` */
export function describeChoice(r: ResolvedFormat): string {
  return `${r.name} (${r.detected ? 'auto-detected' : 'given'}): matched ${r.matched} of the first ${r.sampled} line${r.sampled === 1 ? '' : 's'}`;
}

/** The sample lines an explicit format missed, safe for a terminal and short. */
export function describeMisses(r: ResolvedFormat): string {
  return r.misses.map((l) => `  | ${truncate(sanitizeForTerminal(l), 160)}`).join('\n');
}

/** 'none' when an explicit non-raw format matched no line of a non-empty sample, 'low' under WARN_SHARE. */
export function verdict(r: ResolvedFormat): 'ok' | 'low' | 'none' {
  if (r.detected || r.format.type === 'raw' || r.sampled === 0) return 'ok';
  if (r.matched === 0) return 'none';
  return r.matched < WARN_SHARE * r.sampled ? 'low' : 'ok';
}
