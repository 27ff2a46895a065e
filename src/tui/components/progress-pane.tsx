/** Progress of the steps in flight: a bar where the total is known, a live count where not. */
import { Box, Text } from 'ink';
import type { ProgressView, StepView } from '../run-view-types.js';
import { formatCount, formatQuantity, progressBar } from '../format.js';
import { useTheme } from '../theme.js';

export interface ProgressPaneProps {
  readonly steps: readonly StepView[];
  readonly width: number;
  readonly maxRows: number;
}

export function progressLine(p: ProgressView, barWidth: number): string {
  const what = p.label ?? p.unit;
  if (p.total === undefined || p.total <= 0) return `${formatQuantity(p.current, p.unit)}${p.label ? ` (${p.label})` : ''}`;
  const pct = Math.floor((Math.min(p.current, p.total) / p.total) * 100);
  const amount = p.unit === 'bytes' ? `${formatQuantity(p.current, p.unit)}/${formatQuantity(p.total, p.unit)}` : `${formatCount(p.current)}/${formatCount(p.total)} ${what}`;
  return `${progressBar(p.current, p.total, barWidth)} ${String(pct).padStart(3)}% ${amount}`;
}

export function activeProgress(steps: readonly StepView[]): { step: StepView; p: ProgressView }[] {
  return steps.filter((s) => s.status === 'running' || s.status === 'retrying').flatMap((step) => step.progress.map((p) => ({ step, p })));
}

export function ProgressPane({ steps, width, maxRows }: ProgressPaneProps) {
  const theme = useTheme();
  const rows = activeProgress(steps).slice(0, maxRows);
  if (rows.length === 0) return null;
  const nameWidth = Math.min(32, Math.floor(width / 3));
  return (
    <Box flexDirection="column" width={width}>
      {rows.map(({ step, p }) => (
        <Box key={`${step.path}:${p.unit}`}>
          <Box width={nameWidth + 1}>
            <Text wrap="truncate-end" color={theme.color('running')}>{step.name}</Text>
          </Box>
          <Text wrap="truncate-end">{progressLine(p, Math.max(8, Math.min(24, width - nameWidth - 30)))}</Text>
        </Box>
      ))}
    </Box>
  );
}
