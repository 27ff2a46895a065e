/**
 * The DAG exactly as the original diagram draws it, one StepRow per node; on a short terminal
 * folded (see fold-steps.ts) so the panes below keep their rows.
 */
import { Box, Text } from 'ink';
import type { StepView } from '../../run-view-types.js';
import type { Layout } from '../../layout.js';
import { useTheme } from '../../theme.js';
import { StepRow } from './step-row.js';
import { foldSteps } from './fold-steps.js';

export interface StepTreeProps {
  readonly steps: readonly StepView[];
  readonly selected: number;
  readonly now: number;
  readonly layout: Layout;
  readonly animate: boolean;
}

const ticking = (s: StepView) => s.status === 'running' || s.status === 'retrying';

export function StepTree({ steps, selected, now, layout, animate }: StepTreeProps) {
  const theme = useTheme();
  const fold = layout.folded ? foldSteps(steps, selected) : undefined;
  const shown = fold ? fold.shown : steps.map((_, i) => i);
  return (
    <Box flexDirection="column">
      {shown.map((i) => {
        const s = steps[i];
        // Only rows whose time is ticking take the clock, so the others stay memoized.
        return <StepRow key={s.path || 'root'} step={s} isSelected={i === selected} now={ticking(s) ? now : 0} layout={layout} animate={animate} />;
      })}
      {fold?.hiddenText && (
        <Text wrap="truncate-end" color={theme.color('muted')}>
          {'   '}
          {fold.hiddenText}
        </Text>
      )}
    </Box>
  );
}
