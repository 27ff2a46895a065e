/**
 * The Slack incoming-webhook message: a `text` fallback (notifications, clients without blocks)
 * and Block Kit blocks, incident first, as the email reads. Log text is untrusted: it is escaped
 * for Slack's mrkdwn (`&`, `<`, `>`, the only characters Slack gives meaning to as controls, so
 * `<!channel>`, `<@U123>` or `<https://evil|click>` in a log line stay text), kept on one line, and
 * put in code spans that a backtick in the log cannot close. Sizes stay under Slack's limits
 * (header 150 characters, section 3000, 50 blocks), counted after escaping.
 */
import type { IncidentBrief } from '../../bus/events.js';
import type { AnalyzeOutput } from '../../contracts.js';
import { counts, kindWords, plural, when } from '../email/compose.js';
import { sanitizeForTerminal, truncate } from '../../util/sanitize.js';

/** How many incidents a message details; the report has the rest. */
export const SLACK_INCIDENTS = 5;

/** Slack's control characters, escaped as its docs ask. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Log-derived text for a mrkdwn field: control characters and newlines gone, escaped, and a bare
 * `@channel`/`@here`/`@everyone` broken with a zero-width space (only matters if the message were
 * ever parsed with link_names, but it costs nothing).
 */
export function untrusted(text: string, max: number): string {
  const one = sanitizeForTerminal(text).replace(/\s+/g, ' ');
  // `max` bounds the escaped text (what counts against Slack's limits); the cut falls between
  // source characters, so an entity like `&amp;` is never split.
  const chars = Array.from(one);
  const width = (c: string) => escapeMrkdwn(c).length + (c === '@' ? 1 : 0); // room for the zero-width space
  let cut = one;
  if (chars.reduce((n, c) => n + width(c), 0) > max) {
    // Too long: keep what fits with the ellipsis.
    let len = 0;
    let i = 0;
    for (; i < chars.length && len + width(chars[i]) <= max - 1; i++) len += width(chars[i]);
    cut = chars.slice(0, i).join('') + '…';
  }
  return escapeMrkdwn(cut).replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
}

/** A code span that the text cannot close: backticks become a look-alike. */
function code(text: string, max: number): string {
  return '`' + untrusted(text, max).replace(/`/g, 'ˋ') + '`';
}

const SAFE_LINK = /^https?:\/\//i;

export interface SlackPayloadInput {
  readonly runId: string;
  readonly reportUri?: string;
  readonly analysis: Pick<AnalyzeOutput, 'source'>;
  readonly incidents: readonly IncidentBrief[];
  readonly total: number;
}

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

function incidentBlock(inc: IncidentBrief) {
  const t = inc.trigger;
  const lines = [
    `*[${escapeMrkdwn(inc.severity.toUpperCase())}] ${untrusted(inc.title, 150)}*`,
    `Since ${when(inc.onset)} in ${untrusted(inc.streams.join(', ') || 'all streams', 150)}; ${plural(inc.findings, 'finding')}.`,
    `Probable trigger: ${kindWords(t.kind)}, ${escapeMrkdwn(counts(t))}`,
    `Template: ${code(t.template, 800)}`,
    ...(t.sample ? [`Sample: ${code(t.sample, 800)}`] : []),
  ];
  return section(lines.join('\n'));
}

function reportLine(uri: string | undefined): string {
  if (!uri) return 'The report could not be uploaded; it is kept with the run on the pipeline machine.';
  // A link target must not contain `|` or `>` (they end it): percent-encode them.
  if (SAFE_LINK.test(uri)) return `<${uri.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E')}|Open the full report>`;
  return `Full report: ${code(uri, 500)}`;
}

export function slackPayload(p: SlackPayloadInput): string {
  const top = p.incidents[0];
  const findings = p.incidents.reduce((n, i) => n + i.findings, 0);
  const source = untrusted(p.analysis.source ?? 'logs', 150);
  const headline = top
    ? `[${top.severity}] ${sanitizeForTerminal(top.title).replace(/\s+/g, ' ')}${p.total > 1 ? ` (+${plural(p.total - 1, 'incident')})` : ''}`
    : `Anomalies in run ${p.runId}`;
  const shown = p.incidents.slice(0, SLACK_INCIDENTS);
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline, 150), emoji: false } },
    section(`${plural(p.total, 'incident')} (${plural(findings, 'finding')}) in ${source}, run \`${escapeMrkdwn(p.runId)}\`.`),
    ...shown.flatMap((inc) => [{ type: 'divider' }, incidentBlock(inc)]),
  ];
  if (p.total > shown.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${plural(p.total - shown.length, 'more incident')} in the report.` }] });
  blocks.push(section(reportLine(p.reportUri)));
  const fallback = top
    ? `[${escapeMrkdwn(top.severity)}] ${untrusted(top.title, 150)}${p.total > 1 ? ` (+${plural(p.total - 1, 'incident')})` : ''}, run ${escapeMrkdwn(p.runId)}`
    : `Anomalies in run ${escapeMrkdwn(p.runId)}`;
  return JSON.stringify({ text: fallback, blocks, unfurl_links: false, unfurl_media: false });
}
