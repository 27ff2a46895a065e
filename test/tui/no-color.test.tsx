// Colours must be on for this file (chalk decides at import), so NO_COLOR has something to turn off.
process.env.FORCE_COLOR = '1';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { from } from 'rxjs';
import { SCRIPT_START, failedRun } from '../helpers/event-scripts.js';

const { render, cleanup } = await import('ink-testing-library');
const { RunTuiApp } = await import('../../src/tui/app.js');
const { envNoColor } = await import('../../src/tui/theme.js');

afterEach(() => cleanup());

async function finalFrame(noColor: boolean): Promise<string> {
  const app = render(<RunTuiApp events$={from(failedRun())} mode="local" onCancel={() => {}} noColor={noColor} clock={() => SCRIPT_START} animate={false} fps={200} />);
  await vi.waitFor(() => expect(app.lastFrame()).toContain('exit 1'), { timeout: 20_000, interval: 5 });
  return app.lastFrame() ?? '';
}

describe('NO_COLOR', () => {
  it('colours by default, and not a single colour code with noColor', async () => {
    const coloured = await finalFrame(false);
    expect(coloured).toMatch(/\u001b\[3[0-9]m/); // e.g. red for the failed step
    const plain = await finalFrame(true);
    expect(plain).not.toMatch(/\u001b\[(3[0-9]|9[0-7]|4[0-9]|38;|48;)/);
    expect(plain).toContain('✖ upload_report');
  });

  it('follows no-color.org: set and non-empty disables colour', () => {
    expect(envNoColor({ NO_COLOR: '1' })).toBe(true);
    expect(envNoColor({ NO_COLOR: '' })).toBe(false);
    expect(envNoColor({})).toBe(false);
  });
});
