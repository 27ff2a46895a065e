/** One node of the DAG: branch, status glyph (a spinner while running), name, kind, status, time. */
import { memo } from 'react';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { StepView } from '../../run-view-types.js';
import type { Layout } from '../../layout.js';
import { layoutWidths } from '../../layout.js';
import { STATUS_GLYPH, useTheme } from '../../theme.js';
import { stepDuration, stepStatusText } from './step-status.js';

export interface StepRowProps {
  readonly step: StepView;
  readonly isSelected: boolean;
  readonly now: number;
  readonly layout: Layout;
  readonly animate: boolean;
}

// Memoized: under a flood most frames change a log line or a counter, not the tree.
export const StepRow = memo(function StepRow({ step, isSelected, now, layout, animate }: StepRowProps) {
  const theme = useTheme();
  const color = theme.color(step.status);
  const glyph = step.status === 'running' && animate ? <Spinner type="dots" /> : STATUS_GLYPH[step.status];
  return (
    <Box>
      <Text bold>{isSelected ? '›' : ' '}</Text>
      <Box width={layout.nameWidth}>
        <Text wrap="truncate-end">
          <Text color={theme.color('muted')}>{step.branch}</Text>
          <Text color={color}>{glyph}</Text> <Text inverse={isSelected} bold={step.kind === 'flow' && step.path === ''}>{step.name}</Text>
        </Text>
      </Box>
      <Box width={layoutWidths.kind + 1} marginLeft={1}>
        <Text color={theme.color('muted')}>{step.kind}</Text>
      </Box>
      <Box width={layout.statusWidth + 1}>
        <Text color={color} wrap="truncate-end">{stepStatusText(step, now)}</Text>
      </Box>
      <Box width={layoutWidths.duration} justifyContent="flex-end">
        <Text wrap="truncate-end">{stepDuration(step, now)}</Text>
      </Box>
    </Box>
  );
});
