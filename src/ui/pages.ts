/**
 * The dashboard's pages, rendered on the server from what runs leave behind: the runs folder, each
 * run's event journal (folded with the TUI's own reducer, so both UIs agree) and its report.json.
 * Every string that came from a log line, a config or a remote peer goes through escapeHtml.
 */
import type { RunView, StepView } from '../tui/run-view-types.js';
import { escapeHtml as esc, truncate } from '../util/sanitize.js';
import { sampleFor } from '../detector/template-match.js';

export interface RunRow {
  readonly runId: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly durationMs?: number;
  readonly anomalies?: number;
  readonly incidents?: number;
  readonly reportUri?: string;
  readonly problem?: string;
}

/** What the run page shows of report.json (absent until analyze_report has written it). */
export interface ReportPart {
  readonly incidents: readonly { id: string; title: string; severity: string; trigger: string; findings: readonly string[]; onset: number | null }[];
  readonly findings: readonly { id: string; kind: string; severity: string; template: string; count: number; expected: number | null; explanation: string; samples: readonly { line: string }[] }[];
  readonly histogram: { start: number | null; bucketSeconds: number; counts: readonly number[]; anomalous: readonly boolean[] };
}

const status = (s: string) => `<span class="st st-${esc(s)}">${esc(s)}</span>`;
const sev = (s: string) => `<span class="sev sev-${esc(s)}">${esc(s)}</span>`;
const time = (ms: number | undefined | null) => (ms === undefined || ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z'));
const dur = (ms: number | undefined) => (ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export function layout(title: string, body: string, live?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="stylesheet" href="/assets/app.css"></head>
<body${live ? ` data-live="${esc(live)}"` : ''}>
<p class="muted"><a href="/">log-anomaly runs</a></p>
${body}
<script src="/assets/app.js"></script>
</body></html>
`;
}

export function runsPage(runs: readonly RunRow[], q: { status?: string; search?: string }, statuses: readonly string[]): string {
  const rows = runs.map(
    (r) =>
      `<tr><td><a href="/runs/${encodeURIComponent(r.runId)}">${esc(r.runId)}</a></td><td>${status(r.status)}${r.problem ? ` <span class="muted">${esc(truncate(r.problem, 120))}</span>` : ''}</td>` +
      `<td>${esc(r.startedAt ?? '')}</td><td>${esc(dur(r.durationMs))}</td><td>${r.anomalies ?? ''}</td><td>${r.incidents ?? ''}</td>` +
      `<td>${r.reportUri ? `<a href="/runs/${encodeURIComponent(r.runId)}/files/report.html">report</a>` : ''}</td></tr>`,
  );
  const options = ['', ...statuses].map((s) => `<option value="${esc(s)}"${s === (q.status ?? '') ? ' selected' : ''}>${s === '' ? 'any status' : esc(s)}</option>`);
  return layout(
    'log-anomaly runs',
    `<h1>Runs</h1>
<form class="filter" method="get" action="/"><select name="status" aria-label="status">${options.join('')}</select>
<input name="q" placeholder="run id contains" value="${esc(q.search ?? '')}" aria-label="search by run id"><button>filter</button></form>
<table id="runs"><thead><tr><th>run</th><th>status</th><th>started</th><th>duration</th><th>anomalies</th><th>incidents</th><th></th></tr></thead>
<tbody>${rows.join('\n') || '<tr><td colspan="7" class="muted">no runs</td></tr>'}</tbody></table>`,
  );
}

function stepRow(s: StepView): string {
  const attempts = s.attempts.length > 1 || s.attempts.some((a) => a.error)
    ? `<ul>${s.attempts.map((a) => `<li>attempt ${a.attempt}: ${status(a.status)} ${esc(dur(a.durationMs))}${a.error ? ` <code>${esc(a.error.code)}</code> ${esc(a.error.message)}` : ''}</li>`).join('')}</ul>`
    : '';
  return `<tr data-step="${esc(s.path || 'root')}"><td class="tree">${esc(s.branch)}${esc(s.name)}</td><td>${esc(s.kind)}</td><td>${status(s.status)}${s.reason ? ` <span class="muted">${esc(s.reason)}</span>` : ''}</td>` +
    `<td>${esc(dur(s.durationMs))}</td><td>${s.error ? `<code>${esc(s.error.code)}</code> ${esc(s.error.message)}` : ''}${attempts}</td></tr>`;
}

/** A volume chart with a time axis (start, middle, end), numbers and ISO times only. */
export function volumeSvg(h: ReportPart['histogram'] | undefined): string {
  if (!h || h.counts.length === 0 || h.start === null) return '<p class="muted">No timestamped events to chart.</p>';
  const W = 720;
  const H = 120;
  const max = Math.max(1, ...h.counts);
  const w = W / h.counts.length;
  const bars = h.counts.map((c, i) => {
    const bh = Math.max(c > 0 ? 1 : 0, Math.round((c / max) * (H - 4)));
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- bars are drawn only when the histogram has a start
    return `<rect class="bar${h.anomalous[i] ? ' anomalous' : ''}" x="${(i * w).toFixed(2)}" y="${H - bh}" width="${Math.max(1, w - 1).toFixed(2)}" height="${bh}"><title>${time(h.start! + i * h.bucketSeconds * 1000)}: ${c}</title></rect>`;
  });
  const end = h.start + h.counts.length * h.bucketSeconds * 1000;
  const ticks = [h.start, (h.start + end) / 2, end].map((t, i) => `<text x="${[2, W / 2, W - 2][i]}" y="${H + 14}" text-anchor="${['start', 'middle', 'end'][i]}">${time(t).slice(11)}</text>`);
  return `<svg class="chart" viewBox="0 0 ${W} ${H + 18}" width="${W}" height="${H + 18}" role="img" aria-label="events per ${h.bucketSeconds}s">${bars.join('')}${ticks.join('')}</svg>
<p class="muted">Events per ${h.bucketSeconds}s from ${esc(time(h.start))} to ${esc(time(end))}; red buckets hold findings.</p>`;
}

function findingsHtml(report: ReportPart | undefined): string {
  if (!report) return '<p class="muted">No report yet.</p>';
  const byId = new Map(report.findings.map((f) => [f.id, f]));
  const finding = (id: string) => {
    const f = byId.get(id);
    if (!f) return '';
    // Only a line that is an instance of the template shown (a session finding's first lines may not be).
    const sample = sampleFor(f.template, f.samples);
    return `<li>${sev(f.severity)} ${esc(f.kind)}: <code>${esc(truncate(f.template, 300))}</code> · ${f.count}${f.expected === null ? '' : ` vs ${f.expected.toFixed(1)} expected`}` +
      `<br><span class="muted">${esc(f.explanation)}</span>${sample ? `<pre>${esc(truncate(sample, 500))}</pre>` : ''}</li>`;
  };
  if (report.incidents.length === 0) return '<p>No findings passed the rules.</p>';
  return report.incidents
    .map((inc, i) => `<h3>${i + 1}. ${sev(inc.severity)} ${esc(inc.title)}</h3><p class="muted">since ${esc(time(inc.onset))}; probable trigger first</p><ol>${inc.findings.map(finding).join('')}</ol>`)
    .join('\n');
}

/** The part of the run page that live updates replace. */
export function runFragment(view: RunView, report: ReportPart | undefined, files: readonly string[], runId: string): string {
  const f = (name: string) => `/runs/${encodeURIComponent(runId)}/files/${name.split('/').map(encodeURIComponent).join('/')}`;
  const logs = view.logs.map((l) => `${esc(l.time)} ${esc(l.level)} ${l.step ? `[${esc(l.step)}] ` : ''}${esc(l.text)}`).join('\n');
  return `<h1>Run ${esc(runId)} ${status(view.status)}</h1>
<p class="muted">${esc(view.source ?? '')}${view.startedAt ? ` · started ${esc(time(view.startedAt))}` : ''}${view.endedAt && view.startedAt ? ` · took ${esc(dur(view.endedAt - view.startedAt))}` : ''}${view.error ? ` · <code>${esc(view.error.code)}</code> ${esc(view.error.message)}` : ''}</p>
<h2>Steps</h2>
<table id="steps"><thead><tr><th>step</th><th>kind</th><th>status</th><th>took</th><th>errors and attempts</th></tr></thead><tbody>${view.steps.map(stepRow).join('\n')}</tbody></table>
<h2>Event volume</h2>${volumeSvg(report?.histogram)}
<h2>Incidents and findings</h2>${findingsHtml(report)}
<h2>Files</h2><ul>${files.map((n) => `<li><a href="${f(n)}">${esc(n)}</a></li>`).join('') || '<li class="muted">none yet</li>'}</ul>
<h2>Log</h2><pre id="log">${logs || '(no log lines)'}</pre>`;
}

export function runPage(view: RunView, report: ReportPart | undefined, files: readonly string[], runId: string): string {
  const live = view.status === 'started' || view.status === 'waiting';
  return layout(`run ${runId}`, `<div id="run">${runFragment(view, report, files, runId)}</div>`, live ? `/runs/${encodeURIComponent(runId)}/events` : undefined);
}
