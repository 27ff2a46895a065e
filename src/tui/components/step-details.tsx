/** `enter` on a step: its path, attempts and their errors, artifacts, facts and progress. */
import { Box, Text } from 'ink';
import type { StepView } from '../run-view-types.js';
import { formatBytes, formatDuration } from '../format.js';
import { useTheme } from '../theme.js';
import { progressLine } from './progress-pane.js';
import { stepStatusText } from './step-tree/step-status.js';

export interface StepDetailsProps {
  readonly step: StepView;
  readonly now: number;
  readonly width: number;
  readonly rows: number;
}

export function detailLines(step: StepView, now: number): string[] {
  const lines = [`path ${step.path || '(root)'} · ${step.kind} · ${stepStatusText(step, now)}`];
  if (step.attempts.length === 0 && step.error) lines.push(`error ${step.error.code}: ${step.error.message}`);
  for (const a of step.attempts) {
    const err = a.error ? ` · ${a.error.code}${a.error.retryable ? ' (retryable)' : ''}: ${a.error.message}` : '';
    lines.push(`attempt ${a.attempt}: ${a.status}${a.durationMs !== undefined ? ` ${formatDuration(a.durationMs)}` : ''}${err}`);
  }
  for (const a of step.artifacts) lines.push(`artifact ${a.name} ${a.uri}${a.bytes !== undefined ? ` (${formatBytes(a.bytes)})` : ''}`);
  for (const p of step.progress) lines.push(`progress ${progressLine(p, 20)}`);
  if (step.facts.length > 0) lines.push(`facts ${step.facts.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (lines.length === 1) lines.push(step.status === 'pending' ? 'not started yet' : 'no attempts, artifacts or facts reported');
  return lines;
}

export function StepDetails({ step, now, width, rows }: StepDetailsProps) {
  const theme = useTheme();
  const lines = detailLines(step, now).slice(0, Math.max(0, rows - 1));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" bold color={theme.color('accent')}>─ {step.name} (enter/esc closes)</Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">{l}</Text>
      ))}
    </Box>
  );
}
