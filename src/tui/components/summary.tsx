/**
 * The end of a run: outcome and counts, the incidents (most severe first, each with its probable
 * trigger's template, count vs expected and a sample line; the top findings for runs without
 * incidents), where the report went, what happened to the notification, and event volume over
 * time. What fits in `rows` is decided by planSummary; this only draws the plan.
 */
import { Box, Text } from 'ink';
import type { RunView } from '../run-view-types.js';
import { displayPath } from '../format.js';
import { runStatusRole, useTheme } from '../theme.js';
import { notificationText, type SummaryPlan } from '../summary-plan.js';
import { VolumeChart } from './volume-chart.js';

export interface SummaryProps {
  readonly view: RunView;
  readonly plan: SummaryPlan;
  readonly width: number;
}

const COUNT_WIDTH = 22;

export function Summary({ view, plan, width }: SummaryProps) {
  const theme = useTheme();
  const s = view.summary;
  const status = theme.color(runStatusRole(view.status));
  return (
    <Box flexDirection="column" width={width}>
      {/* Pre-wrapped (a failure's whole error, the counts on a narrow screen): the rows are counted. */}
      {plan.head.map((l, i) => {
        const chars = Array.from(l.text);
        const colored = Math.max(0, Math.min(chars.length, plan.outcomeChars - l.start));
        return (
          <Text key={`h${i}`} wrap="truncate-end" bold>
            <Text color={status}>{chars.slice(0, colored).join('')}</Text>
            {chars.slice(colored).join('')}
          </Text>
        );
      })}
      {plan.items.map(({ row: r, sample }, i) => (
        <Box key={i} flexDirection="column">
          {plan.incidents && (
            <Text wrap="truncate-end" bold>
              <Text color={theme.color('anomaly')}>{String(i + 1).padStart(2)} {r.label}</Text>
            </Text>
          )}
          <Box>
            <Box width={width - COUNT_WIDTH}>
              <Text wrap="truncate-end">
                {plan.incidents ? '   ' : <Text color={theme.color('anomaly')}>{String(i + 1).padStart(2)} {r.label} </Text>}
                {r.text}
              </Text>
            </Box>
            <Box width={COUNT_WIDTH} justifyContent="flex-end">
              <Text>{r.figures}</Text>
            </Box>
          </Box>
          {sample && r.sample && <Text wrap="truncate-end" color={theme.color('muted')}>{plan.incidents ? '   ' : '                    '}{r.sample}</Text>}
        </Box>
      ))}
      {s && plan.report && <Text wrap="truncate-end">report  {s.reportUri ? displayPath(s.reportUri) : '(not uploaded)'}</Text>}
      {s && plan.email && <Text wrap="truncate-end">email   {notificationText(s)}</Text>}
      {s?.histogram && plan.chart && <VolumeChart histogram={s.histogram} width={width} />}
    </Box>
  );
}
