/** Maps raw keys to intents; the rules of what an intent does live in ui-state.ts. */
import { useInput, useStdin, type Key } from 'ink';
import type { Intent } from './ui-state.js';

export function keyToIntent(input: string, key: Key): Intent | undefined {
  if (key.ctrl && input === 'c') return 'interrupt';
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.return) return 'details';
  if (key.escape) return 'back';
  switch (input) {
    case 'l':
      return 'logs';
    case '?':
      return 'help';
    case 'q':
      return 'quit';
    case 'y':
    case 'Y':
      return 'yes';
    case 'n':
    case 'N':
      return 'no';
    default:
      return undefined;
  }
}

export function useKeys(onIntent: (intent: Intent) => void): void {
  // Without a TTY on stdin (e.g. piped input) Ink cannot enter raw mode: show, don't listen.
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      const intent = keyToIntent(input, key);
      if (intent) onIntent(intent);
    },
    { isActive: isRawModeSupported },
  );
}
