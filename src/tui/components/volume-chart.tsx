/** Event volume over time as a sparkline, with ▲ under the buckets the detector flagged. */
import { Box, Text } from 'ink';
import type { HistogramView } from '../run-view-types.js';
import { formatDuration, sparkline } from '../format.js';
import { useTheme } from '../theme.js';

export interface VolumeChartProps {
  readonly histogram: HistogramView;
  readonly width: number;
}

const LABEL = 'volume  ';
const LEGEND = '▲ anomalous';

export function VolumeChart({ histogram, width }: VolumeChartProps) {
  const theme = useTheme();
  const span = formatDuration(histogram.bucketSeconds * histogram.counts.length * 1000);
  // the whole window, bucketed to the room left beside the label and the span (never cut at the edge)
  const room = Math.max(1, width - LABEL.length - 2 - Math.max(span.length, LEGEND.length));
  const { bars, marks } = sparkline(histogram.counts, histogram.anomalous, room, 4);
  const pad = ' '.repeat(Math.max(0, bars.length - marks.length));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {LABEL}
        {Array.from(bars).map((b, i) => (
          <Text key={i} color={marks[i] === '▲' ? theme.color('anomaly') : theme.color('accent')}>{b}</Text>
        ))}
        <Text color={theme.color('muted')}>  {span}</Text>
      </Text>
      <Text wrap="truncate-end" color={theme.color('anomaly')}>{' '.repeat(LABEL.length)}{marks ? `${marks}${pad}  ${LEGEND}` : ' '}</Text>
    </Box>
  );
}
