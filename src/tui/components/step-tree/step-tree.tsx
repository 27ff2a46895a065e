/** The DAG exactly as the original diagram draws it, one StepRow per node. */
import { Box } from 'ink';
import type { StepView } from '../../run-view-types.js';
import type { Layout } from '../../layout.js';
import { StepRow } from './step-row.js';

export interface StepTreeProps {
  readonly steps: readonly StepView[];
  readonly selected: number;
  readonly now: number;
  readonly layout: Layout;
  readonly animate: boolean;
}

const ticking = (s: StepView) => s.status === 'running' || s.status === 'retrying';

export function StepTree({ steps, selected, now, layout, animate }: StepTreeProps) {
  return (
    <Box flexDirection="column">
      {steps.map((s, i) => (
        // Only rows whose time is ticking take the clock, so the others stay memoized.
        <StepRow key={s.path || 'root'} step={s} isSelected={i === selected} now={ticking(s) ? now : 0} layout={layout} animate={animate} />
      ))}
    </Box>
  );
}
