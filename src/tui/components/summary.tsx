/**
 * The end of a run: outcome, the incidents (most severe first, each with its probable trigger's
 * template, count vs expected and a sample line; the top findings for runs without incidents),
 * where the report went, what happened to the notification, and event volume over time.
 */
import { Box, Text } from 'ink';
import type { AnomalyView, RunView, SummaryView } from '../run-view-types.js';
import { displayPath, formatCount, formatDuration } from '../format.js';
import { runStatusRole, useTheme } from '../theme.js';
import { VolumeChart } from './volume-chart.js';

export interface SummaryProps {
  readonly view: RunView;
  readonly width: number;
  readonly rows: number;
}

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

/** One summary row: a label (incident title or finding kind), its template, its figures. */
interface SummaryRow {
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

/** The rows that fit in `rows` lines (an incident takes two, a finding one; one more for a sample line). */
export function fitRows(s: SummaryView, rows: number): SummaryRow[] {
  const all = summaryRows(s);
  const per = s.incidents.length > 0 ? 2 : 1;
  let used = 0;
  let n = 0;
  for (const r of all) {
    used += per + (r.sample ? 1 : 0);
    if (used > rows) break;
    n++;
  }
  // Never fewer than one: the most severe incident is what the screen is for.
  return all.slice(0, Math.max(Math.min(1, all.length), n));
}

export function Summary({ view, width, rows }: SummaryProps) {
  const theme = useTheme();
  const s = view.summary;
  const sev = s ? severityText(s) : '';
  // Fixed lines: outcome with counts, report, email, chart (2); each row 1-2, +1 for a sample.
  const top = s ? fitRows(s, rows - (s.histogram ? 5 : 3)) : [];
  const incidents = s !== undefined && s.incidents.length > 0;
  const countWidth = 22;
  const counts = s
    ? ` · ${incidents ? `${formatCount(s.incidents.length)} incident${s.incidents.length === 1 ? '' : 's'} · ` : ''}${formatCount(s.total)} anomalies (${formatCount(s.reported)} reported)${sev ? ` · ${sev}` : ''}`
    : '';
  return (
    <Box flexDirection="column" width={width}>
      {/* A failure shows its whole error, wrapped: the message is what the viewer needs. */}
      <Text wrap={view.status === 'failed' || view.streamEnded ? 'wrap' : 'truncate-end'} bold>
        <Text color={theme.color(runStatusRole(view.status))}>■ run {outcomeText(view)}</Text>
        {counts}
      </Text>
      {top.map((r, i) => (
        <Box key={i} flexDirection="column">
          {incidents && (
            <Text wrap="truncate-end" bold>
              <Text color={theme.color('anomaly')}>{String(i + 1).padStart(2)} {r.label}</Text>
            </Text>
          )}
          <Box>
            <Box width={width - countWidth}>
              <Text wrap="truncate-end">
                {incidents ? '   ' : <Text color={theme.color('anomaly')}>{String(i + 1).padStart(2)} {r.label} </Text>}
                {r.text}
              </Text>
            </Box>
            <Box width={countWidth} justifyContent="flex-end">
              <Text>{r.figures}</Text>
            </Box>
          </Box>
          {r.sample && <Text wrap="truncate-end" color={theme.color('muted')}>{incidents ? '   ' : '                    '}{r.sample}</Text>}
        </Box>
      ))}
      {s && <Text wrap="truncate-end">report  {s.reportUri ? displayPath(s.reportUri) : '(not uploaded)'}</Text>}
      {s && <Text wrap="truncate-end">email   {notificationText(s)}</Text>}
      {s?.histogram && <VolumeChart histogram={s.histogram} width={width} />}
    </Box>
  );
}
