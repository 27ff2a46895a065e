/**
 * Colours by meaning. With NO_COLOR (or `noColor`) every colour is undefined, so Ink emits no
 * colour codes at all; glyphs and words carry the meaning on their own.
 */
import { createContext, useContext } from 'react';
import type { LogLevel, StepStatus } from '../bus/events.js';
import type { RunViewStatus } from './run-view-types.js';

const PALETTE = {
  pending: 'gray',
  running: 'cyan',
  retrying: 'yellow',
  done: 'green',
  skipped: 'blue',
  failed: 'red',
  cancelled: 'magenta',
  debug: 'gray',
  info: 'white',
  warn: 'yellow',
  error: 'red',
  accent: 'cyan',
  muted: 'gray',
  anomaly: 'red',
} as const;
export type ColorRole = keyof typeof PALETTE;

export interface Theme {
  readonly noColor: boolean;
  color(role: ColorRole): string | undefined;
}

export function createTheme(noColor: boolean): Theme {
  return { noColor, color: (role) => (noColor ? undefined : PALETTE[role]) };
}

export const ThemeContext = createContext<Theme>(createTheme(false));
export const useTheme = (): Theme => useContext(ThemeContext);

export const STATUS_GLYPH: Record<StepStatus, string> = {
  pending: '○',
  running: '◐',
  retrying: '↻',
  done: '✔',
  skipped: '⊘',
  failed: '✖',
  cancelled: '■',
};

export function runStatusRole(s: RunViewStatus): ColorRole {
  return s === 'started' ? 'running' : s === 'completed' ? 'done' : s === 'waiting' ? 'pending' : s === 'crashed' ? 'failed' : s;
}

export const levelRole = (l: LogLevel): ColorRole => l;

export { envNoColor } from './no-color.js';
