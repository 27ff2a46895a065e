/**
 * The latest structured log lines, coloured by level (the text was sanitized by the reducer).
 * One pre-cut string per line: under a flood this pane changes every frame, and one plain
 * segment per line is much cheaper for Ink to lay out than nested, self-truncating ones.
 */
import { Box, Text } from 'ink';
import type { LogLineView } from '../run-view-types.js';
import { truncate } from '../../util/sanitize.js';
import { levelRole, useTheme } from '../theme.js';

export interface LogPaneProps {
  readonly logs: readonly LogLineView[];
  readonly width: number;
  readonly rows: number;
}

export function logLine(l: LogLineView, width: number): string {
  return truncate(`${l.time} ${l.level.toUpperCase().padEnd(5)}${l.step ? ` [${l.step}]` : ''} ${l.text}`, width);
}

export function LogPane({ logs, width, rows }: LogPaneProps) {
  const theme = useTheme();
  if (rows < 2) return null;
  const tail = logs.slice(Math.max(0, logs.length - (rows - 1)));
  return (
    <Box flexDirection="column" width={width}>
      <Text color={theme.color('muted')}>{truncate(`─ logs (l hides) ${'─'.repeat(Math.max(0, width - 17))}`, width)}</Text>
      {tail.map((l) => (
        // wrap: a safety net for wide (CJK, emoji) characters that count double on screen
        <Text key={l.seq} wrap="truncate-end" color={l.level === 'info' ? undefined : theme.color(levelRole(l.level))} bold={l.level === 'error'}>
          {logLine(l, width)}
        </Text>
      ))}
    </Box>
  );
}
