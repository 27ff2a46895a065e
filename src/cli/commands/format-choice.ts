/**
 * The format a command reads its files with, and what it tells the user about it: which format
 * (given or auto-detected) and what share of lines it matched, on stderr before the work and
 * after it. A given --format that matches no line of a file's first lines is a usage error (exit
 * 2) naming the file; one under 90% is a warning showing a few lines it missed (sanitized).
 */
import { basename } from 'node:path';
import type { CliIo } from '../io.js';
import type { LogFormat } from '../../config/settings-types.js';
import { UsageError } from '../../errors.js';
import { describeChoice, describeMisses, parseFormatFlag, resolveFormat, sharePercent, verdict, WARN_SHARE, type FormatStats, type ResolvedFormat } from '../../detector/format/index.js';

/** What `--json` output carries about the format. */
export interface FormatReport {
  readonly name: string;
  readonly detected: boolean;
  readonly lines: number;
  readonly matched: number;
  /** Continuation lines appended to the event before them (tracebacks). */
  readonly joined: number;
  /** matched / lines, 0..1 (1 for no lines). */
  readonly share: number;
}

export async function chooseFormat(command: string, flag: string | undefined, files: readonly string[], io: CliIo, quiet = false): Promise<ResolvedFormat> {
  const given: LogFormat = flag ? parseFormatFlag(flag) : { type: 'auto' };
  let first: ResolvedFormat | null = null;
  for (const file of files) {
    const r = await resolveFormat(first?.format ?? given, file);
    if (first === null) {
      first = r;
      if (!quiet) io.stderr.write(`log-anomaly ${command}: format ${describeChoice(r)} of ${basename(file)}\n`);
    }
    // a format detected on the first file and not fitting another is worth a warning, not an error
    const auto = given.type === 'auto';
    const v = auto && r !== first ? (r.sampled > 0 && r.matched < WARN_SHARE * r.sampled ? 'low' : 'ok') : verdict(r);
    if (v === 'none') {
      throw new UsageError(`${file}: --format ${r.name} matched none of its first ${r.sampled} lines, e.g.\n${describeMisses(r)}\nleave --format out to auto-detect, or pass --format raw`);
    }
    if (v === 'low') {
      io.stderr.write(`log-anomaly ${command}: warning: ${auto ? `format ${r.name} (detected on ${basename(files[0])})` : `--format ${r.name}`} matched only ${r.matched} of the first ${r.sampled} lines of ${basename(file)}; lines it did not match:\n${describeMisses(r)}\n`);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the loop sets first on the first file, and callers pass at least one
  return first!;
}

export function formatReport(r: ResolvedFormat, stats: FormatStats): FormatReport {
  return { name: r.name, detected: r.detected, lines: stats.lines, matched: stats.matched, joined: stats.joined, share: stats.lines === 0 ? 1 : stats.matched / stats.lines };
}

export function writeFormatSummary(command: string, report: FormatReport, io: CliIo, quiet = false): void {
  if (quiet) return;
  const joined = report.joined > 0 ? `; ${report.joined} continuation line${report.joined === 1 ? '' : 's'} joined into the events before them` : '';
  io.stderr.write(`log-anomaly ${command}: format ${report.name} matched ${sharePercent(report.matched, report.lines)} of ${report.lines} line${report.lines === 1 ? '' : 's'}${joined}\n`);
}
