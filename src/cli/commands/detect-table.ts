/** The readable form of anomalies.json for a terminal: one row per finding and its explanation. */
import type { AnomaliesDoc } from '../../detector/anomalies-schema.js';
import { sanitizeForTerminal, truncate } from '../../util/sanitize.js';
import { groupDigits } from '../../util/group-digits.js';

/**
 * `width`: the terminal's columns, to fit each row on one line; Infinity (a pipe or a file) never
 * cuts anything, so `detect > findings.txt` keeps whole templates and samples.
 */
export function formatAnomalyTable(doc: AnomaliesDoc, width = Infinity): string {
  const w = Math.max(60, width);
  const clean = (s: string, max: number) => truncate(sanitizeForTerminal(s), max);
  const out: string[] = [];
  const range = doc.input.from !== null && doc.input.to !== null ? ` from ${iso(doc.input.from)} to ${iso(doc.input.to)}` : ' (no timestamps)';
  out.push(`${groupDigits(doc.input.lines)} lines, ${doc.input.templates} templates${range}`);
  out.push(doc.baseline ? `baseline: ${clean(doc.baseline.source, w - 60)} (${groupDigits(doc.baseline.lines)} lines, ${doc.baseline.templates} templates)` : 'baseline: none (only rare templates, error-rate and session findings are possible)');
  if (doc.anomalies.length === 0) {
    // zero lines checked is not a clean bill of health
    out.push(doc.input.lines === 0 ? 'nothing checked: the input had no lines' : 'no anomalies');
    return out.join('\n') + '\n';
  }
  out.push(`${doc.anomalies.length} anomal${doc.anomalies.length === 1 ? 'y' : 'ies'}:`);
  out.push(`${'SEVERITY'.padEnd(9)}${'KIND'.padEnd(17)}${'SCORE'.padStart(6)} ${'COUNT'.padStart(7)} ${'EXPECTED'.padStart(8)}  TEMPLATE`);
  for (const a of doc.anomalies) {
    const head = `${a.severity.padEnd(9)}${a.kind.padEnd(17)}${a.score.toFixed(1).padStart(6)} ${String(a.count).padStart(7)} ${(a.expected === null ? '-' : String(a.expected)).padStart(8)}  `;
    out.push(head + clean(a.template, w - head.length));
    out.push(`  ${clean(a.explanation, w - 2)}`);
    const s = a.samples[0];
    if (s) out.push(`  e.g. ${clean(`${s.stream}:${s.lineNo} ${s.line}`, w - 7)}`);
  }
  return out.join('\n') + '\n';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
