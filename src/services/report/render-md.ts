/**
 * `report.md`: the human report for terminals, chat and code review. Log-derived text has its
 * control/escape sequences stripped and sits inside code spans/fences long enough that a backtick in
 * a log line cannot close them.
 */
import { sanitizeForTerminal, truncate } from '../../util/sanitize.js';
import { DRY_RUN_NOTE, formatTime, formatWindow, type ReportDoc } from './model.js';

const MAX_FINDINGS = 50;
const MAX_SAMPLES = 3;

function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function code(text: string): string {
  const t = sanitizeForTerminal(text);
  const ticks = '`'.repeat(Math.max(1, ...(t.match(/`+/g) ?? []).map((m) => m.length + 1)));
  return `${ticks} ${t} ${ticks}`;
}

/** For table cells: no pipes or newlines from logs breaking the table. */
function cell(text: string): string {
  return sanitizeForTerminal(text).replace(/\|/g, '\\|');
}

export function renderMarkdown(r: ReportDoc): string {
  const out: string[] = [];
  out.push(`# Log anomaly report: run ${cell(r.runId)}`, '');
  if (r.dryRun) out.push(`> **${DRY_RUN_NOTE}**`, '');
  out.push(
    `- Source: ${cell(r.input.source)} (${r.input.lines} lines, ${r.input.streams.length} streams, ${r.input.templates} templates)`,
    `- Window: ${formatWindow(r)}`,
    `- Detection config: version ${cell(r.config.version)} from ${cell(r.config.origin)}` +
      (r.config.revision ? `, revision ${cell(r.config.revision)}` : '') +
      (r.config.etag ? `, ETag ${cell(r.config.etag)}` : ''),
    `- Detector: ${cell(r.detector.name)} ${cell(r.detector.version)}` +
      (r.baseline ? `, baseline of ${r.baseline.lines} lines / ${r.baseline.templates} templates` : ', no baseline'),
    `- Findings: ${r.counts.reported} reported of ${r.counts.total} (${r.counts.suppressed} suppressed; muted: ${r.suppressed.byReason.muted}, accepted: ${r.suppressed.byReason.accepted})`,
    `- Notification: ${r.notify.reason}`,
  );
  if (r.reportUri) out.push(`- Report: ${r.reportUri}`);
  out.push('', '## By severity', '', '| severity | findings |', '|---|---|');
  for (const [sev, n] of Object.entries(r.counts.bySeverity).reverse()) out.push(`| ${sev} | ${n} |`);
  const reasons = Object.entries(r.suppressed.byReason).filter(([, n]) => n > 0);
  if (reasons.length > 0) {
    out.push('', '## Suppressed', '', '| reason | findings |', '|---|---|');
    for (const [reason, n] of reasons) out.push(`| ${reason} | ${n} |`);
    for (const [pattern, n] of Object.entries(r.suppressed.ignoredBy)) out.push(`| ignore ${code(pattern)} | ${n} |`);
  }
  out.push('', '## Incidents', '');
  if (r.incidents.length === 0) out.push('No incidents: no findings passed the rules.');
  const index = new Map(r.findings.map((f, i) => [f.id, i + 1]));
  for (const [i, inc] of r.incidents.entries()) {
    const trigger = r.findings[(index.get(inc.trigger) ?? 0) - 1];
    out.push(
      `### Incident ${i + 1}. ${inc.severity.toUpperCase()} ${code(truncate(inc.title, 200))}`,
      '',
      `- Since ${formatTime(inc.onset)} to ${formatTime(inc.end)}; streams ${inc.streams.map((s) => code(s)).join(', ') || 'n/a'}; ${inc.volume} lines`,
      `- Probable trigger: finding ${index.get(inc.trigger) ?? '?'}${trigger ? ` (${trigger.kind}) ${code(truncate(trigger.template, 200))}` : ''}`,
      `- Findings, by onset: ${inc.findings.map((id) => `${index.get(id) ?? '?'}`).join(', ')}`,
      '',
    );
  }
  out.push('', '## Findings', '');
  if (r.findings.length === 0) out.push('No findings passed the rules.');
  for (const [i, f] of r.findings.slice(0, MAX_FINDINGS).entries()) {
    const override = f.detectorSeverity !== f.severity ? ` (detector said ${f.detectorSeverity})` : '';
    out.push(
      `### ${i + 1}. ${f.severity.toUpperCase()} ${f.kind}, score ${f.score.toFixed(2)}${override}`,
      '',
      `- Template: ${code(truncate(f.template, 300))}`,
      `- Count: ${f.count}${f.expected === null ? '' : ` (expected ${f.expected.toFixed(1)})`}` +
        (f.stream ? `, stream ${code(f.stream)}` : ''),
      `- Seen: ${formatTime(f.firstSeen)} to ${formatTime(f.lastSeen)}`,
      `- Why: ${cell(f.explanation)}`,
    );
    const samples = f.samples.slice(0, MAX_SAMPLES).map((s) => sanitizeForTerminal(truncate(s.line, 500)));
    if (samples.length > 0) {
      const body = samples.join('\n');
      const fence = fenceFor(body);
      out.push('', fence + 'text', body, fence);
    }
    out.push('');
  }
  if (r.findings.length > MAX_FINDINGS) out.push(`…and ${r.findings.length - MAX_FINDINGS} more in report.json.`, '');
  return out.join('\n') + '\n';
}
