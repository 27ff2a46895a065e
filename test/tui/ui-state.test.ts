import { describe, expect, it } from 'vitest';
import { initialUiState, reduceUi, type Intent, type UiContext, type UiState } from '../../src/tui/ui-state.js';

const local: UiContext = { mode: 'local', stepCount: 10, runOver: false };
const remote: UiContext = { ...local, mode: 'remote' };

function press(intents: Intent[], ctx = local, from: UiState = initialUiState) {
  let ui = from;
  const effects: string[] = [];
  for (const i of intents) {
    const r = reduceUi(ui, i, ctx);
    ui = r.ui;
    if (r.effect) effects.push(r.effect);
  }
  return { ui, effects };
}

describe('reduceUi', () => {
  it('q asks to confirm; y cancels once; n keeps the run going', () => {
    expect(press(['quit']).ui.confirming).toBe(true);
    expect(press(['quit']).effects).toEqual([]);
    expect(press(['quit', 'no'])).toMatchObject({ ui: { confirming: false, cancelRequested: false }, effects: [] });
    const yes = press(['quit', 'yes', 'quit', 'yes']);
    expect(yes.effects).toEqual(['cancel']);
    expect(yes.ui).toMatchObject({ confirming: false, cancelRequested: true, leaving: false });
  });

  it('a second Ctrl-C forces (while asking, or after cancel was asked for)', () => {
    expect(press(['interrupt', 'interrupt'])).toMatchObject({ effects: ['force'], ui: { leaving: true } });
    expect(press(['quit', 'yes', 'interrupt'])).toMatchObject({ effects: ['cancel', 'force'], ui: { leaving: true } });
    // after "no", Ctrl-C asks again instead of forcing
    expect(press(['interrupt', 'no', 'interrupt'])).toMatchObject({ effects: [], ui: { confirming: true } });
  });

  it('remote: q and Ctrl-C stop watching and never cancel', () => {
    expect(press(['quit'], remote)).toMatchObject({ effects: ['stop'], ui: { leaving: true } });
    expect(press(['interrupt'], remote)).toMatchObject({ effects: ['stop'], ui: { leaving: true } });
  });

  it('selection stays inside the tree; panes toggle; the prompt holds the keyboard', () => {
    expect(press(['up']).ui.selected).toBe(0);
    expect(press(Array(20).fill('down')).ui.selected).toBe(9);
    expect(press(['down', 'down', 'details']).ui).toMatchObject({ selected: 2, showDetails: true });
    expect(press(['details', 'back']).ui.showDetails).toBe(false);
    expect(press(['logs']).ui.showLogs).toBe(false);
    expect(press(['help', 'details']).ui).toMatchObject({ showHelp: false, showDetails: true });
    expect(press(['quit', 'down', 'logs']).ui).toMatchObject({ selected: 0, showLogs: true, confirming: true });
  });

  it('once the run is over, q just leaves', () => {
    expect(press(['quit'], { ...local, runOver: true })).toMatchObject({ effects: [], ui: { leaving: true } });
  });
});
