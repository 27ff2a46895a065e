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

export function outcomeText(view: RunView): string {
  const took = view.startedAt !== undefined && view.endedAt !== undefined ? ` in ${formatDuration(view.endedAt - view.startedAt)}` : '';
  if (view.streamEnded) return view.streamEnded === 'error' ? `event stream failed: ${view.streamError ?? ''}` : 'event stream ended before the run did';
  if (view.status === 'failed') return `failed${took} at ${view.failedStep ?? '?'}: ${view.error ? `${view.error.code} ${view.error.message}` : ''}`;
  if (view.status === 'cancelled') return `cancelled${took}${view.error ? `: ${view.error.message}` : ''}`;
  return `${view.status}${took}`;
}

export function Summary({ view, width, rows }: SummaryProps) {
  const theme = useTheme();
  const s = view.summary;
  const sev = s ? s.bySeverity.map(([k, v]) => `${k} ${v}`).join(' · ') : '';
  // Fixed lines: outcome, anomalies title, report, email, chart (2); each anomaly takes 2.
  const room = Math.max(0, Math.floor((rows - (s?.histogram ? 6 : 4)) / 2));
  const top = s ? s.top.slice(0, room) : [];
  const countWidth = 16;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold color={theme.color(runStatusRole(view.status))}>■ run {outcomeText(view)}</Text>
      {s && (
        <Text wrap="truncate-end">
          <Text bold>{formatCount(s.total)} anomalies</Text> ({formatCount(s.reported)} reported){sev ? ` · ${sev}` : ''}
          {top.length > 0 ? ` · top ${top.length} by score:` : ''}
        </Text>
      )}
      {top.map((a, i) => (
        <Box key={i} flexDirection="column">
          <Box>
            <Box width={width - countWidth}>
              <Text wrap="truncate-end">
                <Text color={theme.color('anomaly')}>{String(i + 1).padStart(2)} {a.kind.padEnd(12)}</Text> {a.template}
              </Text>
            </Box>
            <Box width={countWidth} justifyContent="flex-end">
              <Text>{formatCount(a.count)} vs {a.expected === null ? '-' : formatCount(a.expected)}</Text>
            </Box>
          </Box>
          <Text wrap="truncate-end" color={theme.color('muted')}>{'                '}{a.sample ?? ''}</Text>
        </Box>
      ))}
      {s && <Text wrap="truncate-end">report  {s.reportUri ?? '(not uploaded)'}</Text>}
      {s && <Text wrap="truncate-end">email   {notificationText(s)}</Text>}
      {s?.histogram && <VolumeChart histogram={s.histogram} width={width} />}
    </Box>
  );
}
