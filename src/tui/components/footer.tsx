/** One line: the cancel prompt, a cancelling notice, the run's outcome, or the key hints. */
import { Text } from 'ink';
import type { RunView } from '../run-view-types.js';
import type { UiState } from '../ui-state.js';
import { useTheme } from '../theme.js';

export interface FooterProps {
  readonly view: RunView;
  readonly ui: UiState;
  readonly mode: 'local' | 'remote';
  readonly over: boolean;
  /** The final screen waits for q. */
  readonly holding?: boolean;
}

export function footerText({ view, ui, mode, over, holding }: FooterProps): string {
  const exit = view.exitCode !== undefined ? `exit ${view.exitCode}` : '';
  if (holding) return `${exit ? exit + ' · ' : ''}↑↓ select · enter details · ? help · q quit`;
  if (over) return exit;
  if (ui.leaving) return mode === 'remote' ? 'stopped watching' : 'forced: run cancelled, leaving now';
  if (ui.confirming) return `Cancel run ${view.runId ?? ''}? y = cancel it, n = keep running (Ctrl-C again forces)`;
  if (ui.cancelRequested) return 'cancelling… waiting for the steps in flight to stop (Ctrl-C forces)';
  const quit = mode === 'local' ? 'q cancel run' : 'q stop watching';
  return `↑↓ select · enter details · l logs · ? help · ${quit}`;
}

export function Footer(props: FooterProps) {
  const theme = useTheme();
  const alert = props.ui.confirming || props.ui.cancelRequested;
  return (
    <Text wrap="truncate-end" bold={alert} color={alert ? theme.color('retrying') : theme.color('muted')}>
      {footerText(props)}
    </Text>
  );
}
