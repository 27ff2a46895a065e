/**
 * `report.html`: one self-contained file (inline CSS, no scripts, a CSP that forbids them anyway)
 * that opens from a file share, an object store or an email link. Every string that came from a
 * log line, the config or the settings goes through escapeHtml.
 */
import { escapeHtml as esc, truncate } from '../../util/sanitize.js';
import { renderHistogramSvg } from './chart.js';
import { DRY_RUN_NOTE, formatTime, formatWindow, type ReportDoc } from './model.js';

const MAX_FINDINGS = 200;
const MAX_SAMPLES = 3;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #dde}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #dde;padding:.25rem .6rem;text-align:left;vertical-align:top}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f4f5f8}pre{padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.muted{color:#667}.note{background:#fff4d6;border:1px solid #e8c66a;padding:.5rem 1rem;font-weight:600}
.sev{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-size:12px;text-transform:uppercase}
.sev-critical{background:#7a0019}.sev-high{background:#c62828}.sev-medium{background:#ef6c00}.sev-low{background:#607d8b}.sev-info{background:#90a4ae}
.chart .bar{fill:#8aa4c8}.chart .bar.anomalous{fill:#d32f2f}.swatch{display:inline-block;width:.8em;height:.8em;background:#d32f2f}
`;

function sev(s: string): string {
  return `<span class="sev sev-${esc(s)}">${esc(s)}</span>`;
}

function row(label: string, valueHtml: string): string {
  return `<tr><th>${esc(label)}</th><td>${valueHtml}</td></tr>`;
}

export function renderHtml(r: ReportDoc): string {
  const cfg = r.config;
  const summary = [
    row('Source', `${esc(r.input.source)} <span class="muted">(${r.input.lines} lines, ${r.input.streams.length} streams, ${r.input.templates} templates)</span>`),
    row('Window', esc(formatWindow(r))),
    row('Detection config', `version <code>${esc(cfg.version)}</code> from ${esc(cfg.origin)}` +
      (cfg.revision ? `, revision <code>${esc(cfg.revision)}</code>` : '') + (cfg.etag ? `, ETag <code>${esc(cfg.etag)}</code>` : '')),
    row('Detector', `${esc(r.detector.name)} ${esc(r.detector.version)}` +
      (r.baseline ? `, baseline of ${r.baseline.lines} lines / ${r.baseline.templates} templates` : ', no baseline')),
    row('Findings', `${r.counts.reported} reported of ${r.counts.total} (${r.counts.suppressed} suppressed; muted: ${r.suppressed.byReason.muted}, accepted: ${r.suppressed.byReason.accepted})`),
    row('Notification', esc(r.notify.reason)),
    ...(r.reportUri ? [row('Report', esc(r.reportUri))] : []),
  ];
  const severities = Object.entries(r.counts.bySeverity).reverse().map(([s, n]) => `<tr><td>${sev(s)}</td><td>${n}</td></tr>`);
  const reasons = Object.entries(r.suppressed.byReason).filter(([, n]) => n > 0).map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`);
  const ignored = Object.entries(r.suppressed.ignoredBy).map(([p, n]) => `<tr><td>ignore <code>${esc(p)}</code></td><td>${n}</td></tr>`);
  const index = new Map(r.findings.map((f, i) => [f.id, i + 1]));
  const incidents = r.incidents.map((inc, i) => {
    const n = index.get(inc.trigger);
    const trigger = n === undefined ? undefined : r.findings[n - 1];
    return [
      `<h3>Incident ${i + 1}. ${sev(inc.severity)} ${esc(truncate(inc.title, 200))}</h3>`,
      '<table>',
      row('Since', esc(`${formatTime(inc.onset)} to ${formatTime(inc.end)}`)),
      row('Streams', inc.streams.map((s) => `<code>${esc(s)}</code>`).join(', ') || 'n/a'),
      row('Probable trigger', trigger ? `<a href="#finding-${n}">finding ${n}</a> ${esc(trigger.kind)} <code>${esc(truncate(trigger.template, 200))}</code>` : esc(inc.trigger)),
      row('Findings, by onset', inc.findings.map((id) => { const k = index.get(id); return k === undefined ? '?' : `<a href="#finding-${k}">${k}</a>`; }).join(', ')),
      row('Lines', String(inc.volume)),
      '</table>',
    ].join('\n');
  });
  const findings = r.findings.slice(0, MAX_FINDINGS).map((f, i) => {
    const samples = f.samples.slice(0, MAX_SAMPLES).map((s) => esc(truncate(s.line, 500))).join('\n');
    const override = f.detectorSeverity !== f.severity ? ` <span class="muted">(detector said ${esc(f.detectorSeverity)})</span>` : '';
    return [
      `<h3 id="finding-${i + 1}">${i + 1}. ${sev(f.severity)} ${esc(f.kind)} <span class="muted">score ${f.score.toFixed(2)}</span>${override}</h3>`,
      '<table>',
      row('Template', `<code>${esc(truncate(f.template, 300))}</code>`),
      row('Count', `${f.count}${f.expected === null ? '' : ` <span class="muted">(expected ${f.expected.toFixed(1)})</span>`}`),
      ...(f.stream ? [row('Stream', `<code>${esc(f.stream)}</code>`)] : []),
      row('Seen', esc(`${formatTime(f.firstSeen)} to ${formatTime(f.lastSeen)}`)),
      row('Why', esc(f.explanation)),
      '</table>',
      samples ? `<pre>${samples}</pre>` : '',
    ].join('\n');
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log anomaly report: run ${esc(r.runId)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Log anomaly report: run ${esc(r.runId)}</h1>
${r.dryRun ? `<p class="note">${esc(DRY_RUN_NOTE)}</p>` : ''}
<table>
${summary.join('\n')}
</table>
<h2>Event volume</h2>
${renderHistogramSvg(r.histogram)}
<h2>By severity</h2>
<table>${severities.join('')}</table>
${reasons.length + ignored.length > 0 ? `<h2>Suppressed</h2>\n<table>${reasons.join('')}${ignored.join('')}</table>` : ''}
<h2>Incidents</h2>
${incidents.length === 0 ? '<p>No incidents: no findings passed the rules.</p>' : incidents.join('\n')}
<h2>Findings</h2>
${findings.length === 0 ? '<p>No findings passed the rules.</p>' : findings.join('\n')}
${r.findings.length > MAX_FINDINGS ? `<p class="muted">…and ${r.findings.length - MAX_FINDINGS} more in report.json.</p>` : ''}
<p class="muted">Generated ${esc(r.generatedAt)}.</p>
</body>
</html>
`;
}
