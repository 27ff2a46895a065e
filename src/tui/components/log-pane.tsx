/** The latest structured log lines, coloured by level (the text was sanitized by the reducer). */
import { Box, Text } from 'ink';
import type { LogLineView } from '../run-view-types.js';
import { levelRole, useTheme } from '../theme.js';

export interface LogPaneProps {
  readonly logs: readonly LogLineView[];
  readonly width: number;
  readonly rows: number;
}

export function LogPane({ logs, width, rows }: LogPaneProps) {
  const theme = useTheme();
  if (rows < 2) return null;
  const tail = logs.slice(Math.max(0, logs.length - (rows - 1)));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" color={theme.color('muted')}>─ logs (l hides) {'─'.repeat(Math.max(0, width - 17))}</Text>
      {tail.map((l) => (
        <Text key={l.seq} wrap="truncate-end">
          <Text color={theme.color('muted')}>{l.time} </Text>
          <Text color={theme.color(levelRole(l.level))} bold={l.level === 'error'}>{l.level.toUpperCase().padEnd(5)}</Text>
          {l.step ? <Text color={theme.color('muted')}> [{l.step}]</Text> : ''} {l.text}
        </Text>
      ))}
    </Box>
  );
}
