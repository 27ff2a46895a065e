/**
 * `log-anomaly detect FILES... [--baseline FILES...] [--format FMT] [--json] [--config FILE]
 * [--session-key REGEX] [--mask REGEX]...`: the detector alone, on raw log files (plain or gzip; directories are read
 * recursively, globs expanded) read through the format parser. Prints anomalies.json (--json) or a table. Exit 0 whether or not
 * anomalies were found; 2 on bad input, and when the input held no lines at all (nothing was
 * checked; the output still says so); 1 when reading fails. What could not be checked (an empty
 * baseline, no timestamps) goes to stderr as well as into `notices`.
 */
import { resolve } from 'node:path';
import { ExitCode, type CliIo } from '../io.js';
import { UsageError, messageOf } from '../../errors.js';
import { createLineParser, newFormatStats } from '../../detector/format/index.js';
// The modules themselves, not the detector's index: it also carries the baseline store, the
// anomalies validator and the CSV writer, which a start-up should not pay for.
import { runDetector } from '../../detector/run.js';
import { fileSource } from '../../detector/input/files.js';
import { mergeSources } from '../../detector/input/merge.js';
import { DEFAULT_DETECTION_CONFIG } from '../../detector/defaults.js';
import { inputFiles } from './input-files.js';
import { createProgressBar } from '../progress-bar.js';
import { stat } from 'node:fs/promises';
import { formatAnomalyTable } from './detect-table.js';
import { chooseFormat, formatReport, writeFormatSummary } from './format-choice.js';
import { userRegExp } from '../../util/linear-regex.js';
import { DEFAULT_MAX_LINE_BYTES, type LineCounts } from '../../detector/input/read-lines.js';

/** What commander hands the action (program.ts declares the flags). */
export interface DetectOptions { files: string[]; baseline?: string[]; format?: string; json?: boolean; config?: string; sessionKey?: string; mask?: string[]; maxLineBytes?: number; quiet?: boolean }

function checkRegex(source: string, flag: string): void {
  try {
    userRegExp(source);
  } catch (err) {
    throw new UsageError(`${flag} ${JSON.stringify(source)}: invalid regular expression (${messageOf(err)})`);
  }
}

export async function detect(options: DetectOptions, io: CliIo): Promise<number> {
  if (!options.files || options.files.length === 0) {
    if (options.baseline && options.baseline.length > 0) {
      // `--baseline B A`: the variadic flag took A as a baseline file too
      throw new UsageError(
        `detect: no log files to check: --baseline took every file after it (${options.baseline.join(' ')}); put the files to check first (detect FILES --baseline B...) or end the baseline list with -- (detect --baseline B... -- FILES)`,
      );
    }
    throw new UsageError('detect: give at least one log file');
  }
  for (const m of options.mask ?? []) checkRegex(m, '--mask');
  if (options.sessionKey) checkRegex(options.sessionKey, '--session-key');
  const files = await inputFiles(io, options.files);
  const baselineFiles = await inputFiles(io, options.baseline ?? [], '--baseline ');
  const config = options.config ? await (await import('./detect-config.js')).loadDetectionConfig(resolve(io.cwd, options.config)) : DEFAULT_DETECTION_CONFIG;
  const chosen = await chooseFormat('detect', options.format, [...files, ...baselineFiles], io, options.quiet);
  const parser = createLineParser(chosen.format);
  const rawFormat = chosen.format.type === 'raw';
  const stats = newFormatStats();
  const counts: LineCounts = { truncated: 0, offset: 0 };

  // baseline files are read first (learning), then the files to check: one bar over both
  let total = 0;
  for (const f of [...files, ...baselineFiles]) total += (await stat(f)).size;
  let read = 0;
  const bar = createProgressBar({ stream: io.stderr, total, label: 'detect', enabled: !options.json && !options.quiet });
  const onBytes = (n: number) => bar.update((read += n));
  const abort = new AbortController();
  const off = io.onSignal((sig) => abort.abort(new Error(`received ${sig}`)));
  try {
    const result = await runDetector(
      [mergeSources(files.map((f) => fileSource(f, parser, undefined, { rawFormat, stats, maxLineBytes: options.maxLineBytes, counts, onBytes })))],
      {
        config,
        masks: options.mask,
        sessionKey: options.sessionKey ?? null,
        baselineSources: baselineFiles.length > 0 ? [mergeSources(baselineFiles.map((f) => fileSource(f, parser, undefined, { rawFormat, onBytes })))] : [],
        baselineLabel: `--baseline ${options.baseline?.join(' ')}`,
        signal: abort.signal,
        orderedInput: true,
      },
    );
    bar.done();
    const report = formatReport(chosen, stats);
    writeFormatSummary('detect', report, io, options.quiet);
    const doc = { ...result.doc, input: { ...result.doc.input, format: report, ...(counts.truncated > 0 ? { truncatedLines: counts.truncated } : {}) } };
    if (counts.truncated > 0) {
      io.stderr.write(`log-anomaly detect: ${counts.truncated} line(s) longer than ${options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES} bytes were truncated (--max-line-bytes)\n`);
    }
    if (options.json) io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    else io.stdout.write(formatAnomalyTable(result.doc, io.stdout.isTTY ? (io.stdout.columns ?? 80) : Infinity));
    for (const n of result.doc.notices ?? []) io.stderr.write(`log-anomaly detect: ${n.message}\n`);
    return result.doc.input.lines === 0 ? ExitCode.usage : ExitCode.ok;
  } finally {
    bar.done();
    off();
  }
}
