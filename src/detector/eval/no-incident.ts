/**
 * The "no incident" check: a source's earlier half is the baseline, its later half the target;
 * nothing happened in between, so every finding is a false alarm. Used by the tests (small
 * excerpts) and bench/no-incident.bench.mjs (whole files). Lines without a timestamp stay with
 * the line before them, so a split never separates a continuation from its event.
 */
import { readFileSync } from 'node:fs';
import type { LogFormat } from '../../config/settings-types.js';
import type { Anomaly } from '../anomalies-schema.js';
import type { DetectionConfig } from '../../config/detection-types.js';
import type { EngineLine } from '../engine.js';
import { createLineParser } from '../format/index.js';
import { arraySource } from '../input/files.js';
import { runDetector } from '../run.js';

/** Parsed lines of a file, in file order (unparsed lines dropped), as the engine reads them. */
export function readParsed(file: string, format: LogFormat, stream: string): EngineLine[] {
  const parse = createLineParser(format);
  const out: EngineLine[] = [];
  let lineNo = 0;
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    lineNo++;
    if (raw === '') continue;
    const p = parse(raw);
    if (p === null) continue;
    out.push({ content: p.content, timestamp: p.timestamp, level: p.level, stream, raw, lineNo });
  }
  return out;
}

/** Earlier and later half by time (equal line counts, ties kept together). */
export function splitInTime(lines: readonly EngineLine[]): [EngineLine[], EngineLine[]] {
  let last = -Infinity;
  const keyed = lines.map((l, i) => {
    if (l.timestamp !== null) last = l.timestamp;
    return { l, t: last, i };
  });
  keyed.sort((a, b) => a.t - b.t || a.i - b.i);
  const half = Math.floor(keyed.length / 2);
  let cut = half;
  while (cut < keyed.length && cut > 0 && keyed[cut].t === keyed[cut - 1].t) cut++;
  // No timestamps, or all in one second: split by position.
  if (cut === keyed.length) cut = half;
  return [keyed.slice(0, cut).map((k) => k.l), keyed.slice(cut).map((k) => k.l)];
}

export interface NoIncidentResult {
  readonly baselineLines: number;
  readonly targetLines: number;
  readonly findings: readonly Anomaly[];
  /** Findings of severity medium, high or critical. */
  readonly serious: readonly Anomaly[];
  readonly notes: readonly string[];
}

const SERIOUS = new Set(['medium', 'high', 'critical']);

/** Learn from the first half, detect on the second. */
export async function noIncidentRun(
  lines: readonly EngineLine[],
  config: DetectionConfig,
  masks: readonly string[] = [],
): Promise<NoIncidentResult> {
  const [base, target] = splitInTime(lines);
  const r = await runDetector([arraySource(target)], { config, masks, baselineSources: [arraySource(base)], orderedInput: true });
  return {
    baselineLines: base.length,
    targetLines: target.length,
    findings: r.doc.anomalies,
    serious: r.doc.anomalies.filter((a) => SERIOUS.has(a.severity)),
    notes: (r.doc.notices ?? []).map((n) => `${n.code}: ${n.message}`),
  };
}
