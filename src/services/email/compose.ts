/**
 * The notification's subject, text and HTML bodies: what happened first (incidents, each with its
 * probable trigger), then where to read more. Findings carry log text: the text body gets it with
 * escape/control sequences stripped, the HTML body escaped. Nothing internal (scores, the notify
 * rule's reasoning, file paths on the pipeline machine) reaches the reader.
 */
import { createHash } from 'node:crypto';
import type { AnomalyBrief, IncidentBrief } from '../../bus/events.js';
import type { EmailInput } from '../../contracts.js';
import { escapeHtml as esc, sanitizeForTerminal as clean, truncate } from '../../util/sanitize.js';

/** Schemes a report link may have in the HTML body (anything else is shown as text, not linked). */
const SAFE_LINK = /^(https?|file|s3):/i;

/** How many incidents an email details; the report has the rest. */
export const EMAIL_INCIDENTS = 5;

export interface ComposedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `[critical] payments: db connection pool exhausted (+2 incidents) run 20261204-0915`. */
export function subjectFor(input: EmailInput, incidents: readonly IncidentBrief[] = input.analysis.incidents, total = incidents.length): string {
  const prefix = clean(input.subjectPrefix);
  const top = incidents[0];
  if (!top) {
    const n = input.analysis.reported;
    return `${prefix} ${n} ${n === 1 ? 'anomaly' : 'anomalies'} in ${truncate(clean(input.analysis.source ?? 'logs'), 80)} (run ${input.runId})`.trim();
  }
  const more = total > 1 ? ` (+${plural(total - 1, 'incident')})` : '';
  return `${prefix} [${top.severity}] ${truncate(clean(top.title), 90)}${more} run ${input.runId}`.trim();
}

/** The message's content (subject and bodies), hashed: part of its Message-ID. */
export function contentHash(mail: ComposedEmail): string {
  return createHash('sha256').update(`${mail.subject}\0${mail.text}\0${mail.html}`).digest('hex');
}

/**
 * Deterministic from run id, recipient and content: a message sent again (`--resend-unknown`,
 * which reuses the ledger's id) or composed again with the same content has the same Message-ID,
 * so mail clients fold the copies into one.
 */
export function messageIdFor(runId: string, recipient: string, content: string): string {
  const h = createHash('sha256').update(`${runId}\0${recipient.toLowerCase()}\0${content}`).digest('hex').slice(0, 24);
  return `<${runId}.${h}@log-anomaly>`;
}

export function when(ms: number | null): string {
  return ms === null ? 'time unknown' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function counts(f: AnomalyBrief): string {
  if (f.kind === 'silence') return f.expected === null ? 'no lines' : `no lines where about ${Math.round(f.expected)} were expected`;
  const lines = plural(f.count, f.kind === 'session_anomaly' ? 'session' : 'line');
  return f.expected === null ? lines : `${lines}, about ${f.expected < 10 ? f.expected.toFixed(1) : Math.round(f.expected)} expected`;
}

export function kindWords(kind: string): string {
  return kind.replace(/_/g, ' ');
}

function textIncident(inc: IncidentBrief, i: number): string[] {
  const t = inc.trigger;
  return [
    `${i + 1}. [${inc.severity.toUpperCase()}] ${clean(truncate(inc.title, 120))}`,
    `   Since ${when(inc.onset)} in ${clean(truncate(inc.streams.join(', ') || 'all streams', 120))}; ${plural(inc.findings, 'finding')}.`,
    `   Probable trigger: ${kindWords(t.kind)}, ${counts(t)}`,
    `   Template: ${clean(truncate(t.template, 200))}`,
    ...(t.sample ? [`   Sample:   ${clean(truncate(t.sample, 200))}`] : []),
    ...(t.explanation ? [`   Why:      ${clean(t.explanation)}`] : []),
    '',
  ];
}

function htmlIncident(inc: IncidentBrief): string {
  const t = inc.trigger;
  return (
    `<li><p><b>[${esc(inc.severity.toUpperCase())}] ${esc(truncate(inc.title, 120))}</b><br>` +
    `<small>Since ${esc(when(inc.onset))} in ${esc(truncate(inc.streams.join(', ') || 'all streams', 120))}; ${esc(plural(inc.findings, 'finding'))}.</small></p>` +
    `<p>Probable trigger: ${esc(kindWords(t.kind))}, ${esc(counts(t))}<br>` +
    `<code>${esc(truncate(t.template, 200))}</code>` +
    (t.sample ? `<br><small>sample: <code>${esc(truncate(t.sample, 200))}</code></small>` : '') +
    (t.explanation ? `<br><small>${esc(t.explanation)}</small>` : '') +
    '</p></li>'
  );
}

/** What one recipient is told about: routing gives each recipient the incidents its rule matches. */
export function incidentsFor(input: EmailInput, recipient: string): { readonly incidents: readonly IncidentBrief[]; readonly total: number } {
  const route = input.analysis.routes?.find((r) => r.to.toLowerCase() === recipient.toLowerCase());
  return route ?? { incidents: input.analysis.incidents, total: input.analysis.incidents.length };
}

export function composeEmail(input: EmailInput, recipient?: string): ComposedEmail {
  const a = input.analysis;
  const { incidents, total } = recipient === undefined ? { incidents: a.incidents, total: a.incidents.length } : incidentsFor(input, recipient);
  const shown = incidents.slice(0, EMAIL_INCIDENTS);
  const findings = incidents.reduce((n, inc) => n + inc.findings, 0);
  const source = a.source ?? 'logs';
  const headline = `${plural(total, 'incident')} (${plural(findings, 'finding')}${total > incidents.length ? ` in the first ${incidents.length}` : ''}) in ${source}, run ${input.runId}.`;
  const more = total > shown.length ? `…and ${plural(total - shown.length, 'more incident')} in the report.` : '';

  const text: string[] = [clean(headline), '', ...shown.flatMap(textIncident)];
  if (more) text.push(more, '');
  text.push(input.reportUri ? `Full report: ${input.reportUri}` : 'The report could not be uploaded; it is kept with the run on the pipeline machine.');

  const link = input.reportUri && SAFE_LINK.test(input.reportUri)
    ? `<p><a href="${esc(input.reportUri)}">Open the full report</a></p>`
    : input.reportUri
    ? `<p>Full report: <code>${esc(input.reportUri)}</code></p>`
    : '<p>The report could not be uploaded; it is kept with the run on the pipeline machine.</p>';
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${esc(headline)}</p>`,
    `<ol>${shown.map(htmlIncident).join('')}</ol>`,
    more ? `<p>${esc(more)}</p>` : '',
    link,
    '</body></html>',
  ].join('\n');
  return { subject: subjectFor(input, incidents, total), text: text.join('\n') + '\n', html };
}
