/**
 * What the final screen's summary shows in a given number of rows, decided before Ink draws it.
 * Priority, highest first: the outcome with the counts (wrapped, never cut), the top incident or
 * finding, where the report went and the email, the other incidents/findings, then the volume
 * chart. Pure, so the layout can ask how many rows the summary wants.
 */
import type { AnomalyView, RunView, SummaryView } from './run-view-types.js';
import { formatCount, formatDuration } from './format.js';
import { wrapText, type WrappedLine } from './wrap.js';

export function notificationText(s: SummaryView): string {
  const n = s.notification;
  const who = `${n.recipients} recipient${n.recipients === 1 ? '' : 's'}`;
  switch (n.status) {
    case 'sent':
      return `sent to ${who}`;
    case 'previewed':
      return `previewed for ${who} (.eml files, no SMTP configured)`;
    case 'already_sent':
      return `already sent to ${who} (not sent twice)`;
    case 'not_needed':
      return `not needed${n.reason ? ` (${n.reason})` : ' (nothing to report)'}`;
    default:
      return `${n.status}${n.reason ? ` (${n.reason})` : ''}`;
  }
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

/** `critical 4 · high 2 · medium 4`: most severe first, zero counts left out. */
export function severityText(s: SummaryView): string {
  const rank = (k: string) => (SEVERITY_ORDER.includes(k) ? SEVERITY_ORDER.indexOf(k) : SEVERITY_ORDER.length);
  return [...s.bySeverity]
    .filter(([, n]) => n > 0)
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(' · ');
}

export function outcomeText(view: RunView): string {
  const took = view.startedAt !== undefined && view.endedAt !== undefined ? ` in ${formatDuration(view.endedAt - view.startedAt)}` : '';
  if (view.streamEnded) return view.streamEnded === 'error' ? `event stream failed: ${view.streamError ?? ''}` : 'event stream ended before the run did';
  if (view.status === 'failed') return `failed${took} at ${view.failedStep ?? '?'}: ${view.error ? `${view.error.code} ${view.error.message}` : ''}`;
  if (view.status === 'cancelled') return `cancelled${took}${view.error ? `: ${view.error.message}` : ''}`;
  return `${view.status}${took}`;
}

/** ` · 4 incidents · 11 anomalies (11 reported) · critical 4 · high 2`. */
export function countsText(s: SummaryView): string {
  const sev = severityText(s);
  const incidents = s.incidents.length > 0 ? `${formatCount(s.incidents.length)} incident${s.incidents.length === 1 ? '' : 's'} · ` : '';
  return ` · ${incidents}${formatCount(s.total)} anomalies (${formatCount(s.reported)} reported)${sev ? ` · ${sev}` : ''}`;
}

/** One summary row: a label (incident title or finding kind), its template, its figures. */
export interface SummaryRow {
  readonly label: string;
  readonly text: string;
  readonly figures: string;
  readonly sample?: string;
}

function figures(a: AnomalyView): string {
  return a.expected === null ? `${formatCount(a.count)} (no baseline)` : `${formatCount(a.count)} vs ${formatCount(a.expected)} expected`;
}

/** Incidents when the run has them (trigger kind and template under the title), else the top findings. */
export function summaryRows(s: SummaryView): SummaryRow[] {
  if (s.incidents.length > 0) {
    return s.incidents.map((inc) => ({
      label: `${inc.severity.toUpperCase()} ${inc.title}`,
      text: `${inc.findings} finding${inc.findings === 1 ? '' : 's'} · trigger ${inc.trigger.kind}: ${inc.trigger.template}`,
      figures: figures(inc.trigger),
      ...(inc.trigger.sample ? { sample: inc.trigger.sample } : {}),
    }));
  }
  return s.top.map((a) => ({ label: a.kind.padEnd(16), text: a.template, figures: figures(a), ...(a.sample ? { sample: a.sample } : {}) }));
}

export interface SummaryItem {
  readonly row: SummaryRow;
  /** Whether its sample line is shown (dropped first when rows are short). */
  readonly sample: boolean;
}

export interface SummaryPlan {
  /** `■ run <outcome> · <counts>`, wrapped to the width. */
  readonly head: readonly WrappedLine[];
  /** How many characters of the head are the outcome (coloured by the run's status). */
  readonly outcomeChars: number;
  readonly incidents: boolean;
  readonly items: readonly SummaryItem[];
  readonly report: boolean;
  readonly email: boolean;
  readonly chart: boolean;
  /** Rows the plan takes on screen. */
  readonly height: number;
}

const CHART_ROWS = 2;
/** The tree folds on the final screen when fewer than this many incidents/findings would fit beside it. */
export const WANTED_ITEMS = 5;

export function planSummary(view: RunView, width: number, rows: number): SummaryPlan {
  const s = view.summary;
  const outcome = `■ run ${outcomeText(view)}`;
  const head = wrapText(outcome + (s ? countsText(s) : ''), width);
  const incidents = s !== undefined && s.incidents.length > 0;
  const per = incidents ? 2 : 1;
  let left = rows - head.length;
  const items: SummaryItem[] = [];
  const all = s ? summaryRows(s) : [];
  const add = (row: SummaryRow, force: boolean): boolean => {
    if (row.sample && left >= per + 1) items.push({ row, sample: true });
    else if (left >= per || force) items.push({ row, sample: false });
    else return false;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the item was pushed just above
    left -= per + (items.at(-1)!.sample ? 1 : 0);
    return true;
  };
  // The top incident is what the screen is for: it shows even when the rows run out.
  if (all[0]) add(all[0], true);
  const report = s !== undefined && left >= 1;
  if (report) left--;
  const email = s !== undefined && left >= 1;
  if (email) left--;
  for (const row of all.slice(1)) if (!add(row, false)) break;
  const chart = s?.histogram !== undefined && left >= CHART_ROWS;
  if (chart) left -= CHART_ROWS;
  const height = head.length + items.reduce((n, i) => n + per + (i.sample ? 1 : 0), 0) + (report ? 1 : 0) + (email ? 1 : 0) + (chart ? CHART_ROWS : 0);
  return { head, outcomeChars: Array.from(outcome).length, incidents, items, report, email, chart, height };
}

/** Rows the summary wants beside a full tree: the head, the first incidents/findings with samples, report and email. */
export function wantedSummaryRows(view: RunView, width: number): number {
  const s = view.summary;
  const head = wrapText(`■ run ${outcomeText(view)}${s ? countsText(s) : ''}`, width).length;
  if (!s) return head;
  const per = s.incidents.length > 0 ? 2 : 1;
  return head + summaryRows(s).slice(0, WANTED_ITEMS).reduce((n, r) => n + per + (r.sample ? 1 : 0), 0) + 2;
}
