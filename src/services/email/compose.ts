/**
 * The notification's subject, text and HTML bodies. Findings carry log text: the text body gets
 * it with escape/control sequences stripped, the HTML body escaped.
 */
import { createHash } from 'node:crypto';
import type { EmailInput } from '../../contracts.js';
import { escapeHtml as esc, sanitizeForTerminal as clean, truncate } from '../../util/sanitize.js';

/** Schemes a report link may have in the HTML body (anything else is shown as text, not linked). */
const SAFE_LINK = /^(https?|file|s3):/i;

/** How many findings an email lists; the report has the rest. */
export const EMAIL_FINDINGS = 5;

export interface ComposedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function subjectFor(input: EmailInput): string {
  const n = input.analysis.reported;
  const source = clean(input.analysis.source ?? 'logs');
  return `${clean(input.subjectPrefix)} ${n} ${n === 1 ? 'anomaly' : 'anomalies'} in ${truncate(source, 80)} (run ${input.runId})`.trim();
}

/**
 * Deterministic per run and recipient: if a crash lands between the server's accept and the
 * ledger write, the re-sent copy has the same Message-ID and clients can fold the two.
 */
export function messageIdFor(runId: string, recipient: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'log-anomaly-pipeline.local';
  const h = createHash('sha256').update(`${runId}\0${recipient}`).digest('hex').slice(0, 16);
  return `<${runId}.${h}@${domain}>`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function composeEmail(input: EmailInput): ComposedEmail {
  const a = input.analysis;
  const top = a.top.slice(0, EMAIL_FINDINGS);
  const severities = Object.entries(a.bySeverity)
    .filter(([, n]) => n > 0)
    .reverse()
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const headline = `${plural(a.reported, 'finding')} reported (${plural(a.total, 'anomaly', 'anomalies')} detected${severities ? `; ${severities}` : ''}).`;
  const source = a.source ?? 'logs';

  const text: string[] = [`Log anomaly report for ${clean(source)}, run ${input.runId}.`, headline, clean(a.notifyReason), ''];
  top.forEach((f, i) => {
    text.push(
      `${i + 1}. [${f.severity.toUpperCase()}] ${f.kind}, score ${f.score}, count ${f.count}${f.expected === null ? '' : ` (expected ${f.expected.toFixed(1)})`}`,
      `   Template: ${clean(truncate(f.template, 200))}`,
      ...(f.sample ? [`   Sample:   ${clean(truncate(f.sample, 200))}`] : []),
      ...(f.explanation ? [`   Why:      ${clean(f.explanation)}`] : []),
      '',
    );
  });
  if (a.reported > top.length) text.push(`…and ${a.reported - top.length} more in the report.`, '');
  text.push(input.reportUri ? `Full report: ${input.reportUri}` : `Full report: ${a.reportHtml} (not uploaded)`);

  const items = top.map(
    (f) => `<li><b>${esc(f.severity.toUpperCase())}</b> ${esc(f.kind)}, score ${f.score}, count ${f.count}` +
      `${f.expected === null ? '' : ` (expected ${f.expected.toFixed(1)})`}<br>` +
      `<code>${esc(truncate(f.template, 200))}</code>` +
      (f.sample ? `<br><small>sample: <code>${esc(truncate(f.sample, 200))}</code></small>` : '') +
      (f.explanation ? `<br><small>${esc(f.explanation)}</small>` : '') +
      '</li>',
  );
  const link = input.reportUri && SAFE_LINK.test(input.reportUri)
    ? `<p><a href="${esc(input.reportUri)}">Open the full report</a></p>`
    : input.reportUri
    ? `<p>Full report: <code>${esc(input.reportUri)}</code></p>`
    : `<p>Full report: <code>${esc(a.reportHtml)}</code> (not uploaded)</p>`;
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>Log anomaly report for <b>${esc(source)}</b>, run <code>${esc(input.runId)}</code>.</p>`,
    `<p>${esc(headline)}<br>${esc(a.notifyReason)}</p>`,
    `<ol>${items.join('')}</ol>`,
    a.reported > top.length ? `<p>…and ${a.reported - top.length} more in the report.</p>` : '',
    link,
    '</body></html>',
  ].join('\n');
  return { subject: subjectFor(input), text: text.join('\n') + '\n', html };
}
