/**
 * The end of a run: outcome, top anomalies by score (kind, template, count vs expected, a sample
 * line), where the report went, what happened to the notification, and event volume over time.
 */
import { Box, Text } from 'ink';
import type { RunView, SummaryView } from '../run-view-types.js';
import { formatCount, formatDuration } from '../format.js';
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

/** The top anomalies that fit in `rows` (one row each, one more for a sample line). */
export function fitAnomalies(s: SummaryView, rows: number): SummaryView['top'] {
  let used = 0;
  let n = 0;
  for (const a of s.top) {
    used += a.sample ? 2 : 1;
    if (used > rows) break;
    n++;
  }
  return s.top.slice(0, n);
}

export function Summary({ view, width, rows }: SummaryProps) {
  const theme = useTheme();
  const s = view.summary;
  const sev = s ? severityText(s) : '';
  // Fixed lines: outcome with counts, report, email, chart (2); each anomaly 1, +1 for a sample.
  const top = s ? fitAnomalies(s, rows - (s.histogram ? 5 : 3)) : [];
  const countWidth = 22;
  const counts = s ? ` · ${formatCount(s.total)} anomalies (${formatCount(s.reported)} reported)${sev ? ` · ${sev}` : ''}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold>
        <Text color={theme.color(runStatusRole(view.status))}>■ run {outcomeText(view)}</Text>
        {counts}
      </Text>
      {top.map((a, i) => (
        <Box key={i} flexDirection="column">
          <Box>
            <Box width={width - countWidth}>
              <Text wrap="truncate-end">
                <Text color={theme.color('anomaly')}>{String(i + 1).padStart(2)} {a.kind.padEnd(16)}</Text> {a.template}
              </Text>
            </Box>
            <Box width={countWidth} justifyContent="flex-end">
              <Text>{a.expected === null ? `${formatCount(a.count)} (no baseline)` : `${formatCount(a.count)} vs ${formatCount(a.expected)} expected`}</Text>
            </Box>
          </Box>
          {a.sample && <Text wrap="truncate-end" color={theme.color('muted')}>{'                    '}{a.sample}</Text>}
        </Box>
      ))}
      {s && <Text wrap="truncate-end">report  {s.reportUri ?? '(not uploaded)'}</Text>}
      {s && <Text wrap="truncate-end">email   {notificationText(s)}</Text>}
      {s?.histogram && <VolumeChart histogram={s.histogram} width={width} />}
    </Box>
  );
}
