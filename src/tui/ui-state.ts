/**
 * What the viewer is doing (selection, open panes, the cancel prompt), as a pure reducer over
 * key intents. Effects on the world (cancel the run, stop watching) come back as a value for the
 * app to carry out, so the rules below are tested without a terminal.
 */
export const Intent = {
  up: 'up',
  down: 'down',
  details: 'details',
  back: 'back',
  logs: 'logs',
  help: 'help',
  quit: 'quit',
  interrupt: 'interrupt',
  yes: 'yes',
  no: 'no',
} as const;
export type Intent = (typeof Intent)[keyof typeof Intent];

/** `cancel`: ask the run to cancel; `force`: cancel and leave now; `stop`: stop watching. */
export type UiEffect = 'cancel' | 'force' | 'stop';

export interface UiState {
  readonly selected: number;
  readonly showLogs: boolean;
  readonly showHelp: boolean;
  readonly showDetails: boolean;
  readonly confirming: boolean;
  readonly cancelRequested: boolean;
  /** Set when the UI should unmount now (forced cancel or stopped watching). */
  readonly leaving: boolean;
}

export const initialUiState: UiState = {
  selected: 0,
  showLogs: true,
  showHelp: false,
  showDetails: false,
  confirming: false,
  cancelRequested: false,
  leaving: false,
};

export interface UiContext {
  readonly mode: 'local' | 'remote';
  readonly stepCount: number;
  readonly runOver: boolean;
}

export function reduceUi(ui: UiState, intent: Intent, ctx: UiContext): { ui: UiState; effect?: UiEffect } {
  if (ui.leaving) return { ui };
  if (intent === 'quit' || intent === 'interrupt') {
    if (ctx.mode === 'remote' || ctx.runOver) return { ui: { ...ui, leaving: true, confirming: false }, effect: ctx.mode === 'remote' ? 'stop' : undefined };
    // A second Ctrl-C (prompt open or cancel already asked for) forces.
    if (intent === 'interrupt' && (ui.confirming || ui.cancelRequested)) return { ui: { ...ui, confirming: false, leaving: true }, effect: 'force' };
    if (ui.cancelRequested) return { ui };
    return { ui: { ...ui, confirming: true } };
  }
  if (ui.confirming) {
    if (intent === 'yes') return { ui: { ...ui, confirming: false, cancelRequested: true }, effect: 'cancel' };
    if (intent === 'no' || intent === 'back') return { ui: { ...ui, confirming: false } };
    return { ui }; // the prompt holds the keyboard until answered
  }
  switch (intent) {
    case 'up':
      return { ui: { ...ui, selected: Math.max(0, ui.selected - 1) } };
    case 'down':
      return { ui: { ...ui, selected: Math.min(ctx.stepCount - 1, ui.selected + 1) } };
    case 'details':
      return { ui: { ...ui, showDetails: !ui.showDetails, showHelp: false } };
    case 'back':
      return { ui: { ...ui, showDetails: false, showHelp: false } };
    case 'logs':
      return { ui: { ...ui, showLogs: !ui.showLogs } };
    case 'help':
      return { ui: { ...ui, showHelp: !ui.showHelp, showDetails: false } };
    default:
      return { ui };
  }
}
