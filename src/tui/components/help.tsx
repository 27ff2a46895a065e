/** `?`: the keys. */
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';

export interface HelpProps {
  readonly mode: 'local' | 'remote';
  readonly width: number;
}

export function helpLines(mode: 'local' | 'remote'): [string, string][] {
  return [
    ['↑/↓ j/k', 'select a step'],
    ['enter', 'details of the selected step (attempts, errors, artifacts)'],
    ['esc', 'close details / help'],
    ['l', 'show / hide the log pane'],
    ['?', 'this help'],
    mode === 'local' ? ['q, Ctrl-C', 'cancel the run (asks to confirm; Ctrl-C again forces)'] : ['q, Ctrl-C', 'stop watching (the run goes on)'],
  ];
}

export function Help({ mode, width }: HelpProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.color('accent')}>─ keys (? closes)</Text>
      {helpLines(mode).map(([k, what]) => (
        <Text key={k} wrap="truncate-end">
          <Text bold>{k.padEnd(11)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
