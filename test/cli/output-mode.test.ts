import { describe, it, expect } from 'vitest';
import { outputModeFor } from '../../src/cli/commands/run.js';

const io = (isTTY: boolean, env: NodeJS.ProcessEnv = {}) => ({ stdout: { isTTY } as never, env });

describe('run output mode', () => {
  it('shows the TUI only on an interactive terminal outside CI', () => {
    expect(outputModeFor({}, io(true, { TERM: 'xterm' }))).toBe('tui');
    expect(outputModeFor({}, io(false))).toBe('lines');
    expect(outputModeFor({ headless: true }, io(true))).toBe('lines');
    expect(outputModeFor({ json: true }, io(true))).toBe('json');
    expect(outputModeFor({}, io(true, { CI: 'true' }))).toBe('lines');
    expect(outputModeFor({}, io(true, { CI: 'false' }))).toBe('tui');
    expect(outputModeFor({}, io(true, { TERM: 'dumb' }))).toBe('lines');
  });
});
