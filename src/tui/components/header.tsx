/** Run id, status, elapsed time, dry_run / skip_install badges, config version and source. */
import { Box, Text } from 'ink';
import type { RunView } from '../run-view-types.js';
import { configVersionOf } from '../run-view.js';
import { displayPath, formatCount, formatElapsed } from '../format.js';
import { runStatusRole, useTheme } from '../theme.js';

export interface HeaderProps {
  readonly view: RunView;
  readonly now: number;
  readonly width: number;
  readonly mode: 'local' | 'remote';
}

const STATUS_WORD = { waiting: 'waiting for run', started: 'running', completed: 'completed', failed: 'failed', cancelled: 'cancelled', crashed: 'crashed' } as const;

export function Header({ view, now, width, mode }: HeaderProps) {
  const theme = useTheme();
  const elapsed = view.startedAt !== undefined ? formatElapsed((view.endedAt ?? now) - view.startedAt) : '--:--';
  const version = configVersionOf(view);
  const details = [
    version !== undefined ? `config ${version}` : 'config -',
    `source ${view.source ? displayPath(view.source) : '-'}`,
    `${formatCount(view.events)} events`,
    view.gaps > 0 ? `${view.gaps} gaps` : '',
  ].filter(Boolean);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold color={theme.color('accent')}>log-anomaly</Text>
        {mode === 'remote' ? ' (watching)' : ''} run <Text bold>{view.runId ?? '?'}</Text>{'  '}
        <Text color={theme.color(runStatusRole(view.status))} bold>{STATUS_WORD[view.status]}</Text>{'  '}
        {elapsed}
        {view.dryRun ? <Text color={theme.color('retrying')}>  [dry_run]</Text> : ''}
        {view.skipInstall ? <Text color={theme.color('retrying')}>  [skip_install]</Text> : ''}
      </Text>
      <Text wrap="truncate-end" color={theme.color('muted')}>{details.join(' · ')}</Text>
    </Box>
  );
}
