/**
 * The public entry: `renderRunTui` mounts the run screen on a terminal and resolves once it has
 * unmounted (the final screen stays on the terminal). The CLI's `run` and `watch --tui` load this
 * module lazily, so a headless run never loads Ink or React.
 */
import { render } from 'ink';
import type { Observable } from 'rxjs';
import type { BusEvent } from '../bus/events.js';
import { RunTuiApp } from './app.js';
import { holdEvents } from './hold-events.js';
import { envNoColor } from './theme.js';
import { DEFAULT_FPS } from './use-run-view.js';
import { sanitizeForTerminal } from '../util/sanitize.js';

export interface RenderRunTuiOptions {
  readonly events$: Observable<BusEvent>;
  /**
   * `local`: q / Ctrl-C ask to confirm and confirmation calls `onCancel`; a second Ctrl-C calls
   * `onCancel` and unmounts at once. `remote`: q / Ctrl-C only stop watching (unmount, resolve;
   * `onCancel` is not called, there is nothing here to cancel).
   */
  readonly mode: 'local' | 'remote';
  readonly onCancel: () => void;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Default: the NO_COLOR environment variable. */
  readonly noColor?: boolean;
  /** Frame-rate cap for both the view coalescing and Ink's renderer (default 15). */
  readonly fps?: number;
  /** For tests and benchmarks: a fixed clock and a static spinner make frames exact. */
  readonly clock?: () => number;
  readonly animate?: boolean;
}

/** What Ink already does on unmount, done once more so no exit path leaves a raw, cursorless tty. */
function restoreTerminal(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): void {
  try {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
    if (stdout.isTTY && !stdout.destroyed) stdout.write('\u001b[?25h');
  } catch {
    // best effort: the stream may already be gone at exit
  }
}

export function renderRunTui(opts: RenderRunTuiOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const stderr = opts.stderr ?? process.stderr;
  const fps = opts.fps ?? DEFAULT_FPS;
  let held: ReturnType<typeof holdEvents<BusEvent>> | undefined;
  const done = (async () => {
    try {
      // Subscribe now (this part runs synchronously): the run may emit its first events before
      // React's effects have run.
      held = holdEvents(opts.events$);
      const instance = render(
        <RunTuiApp
          events$={held.events$}
          mode={opts.mode}
          onCancel={opts.onCancel}
          noColor={opts.noColor ?? envNoColor(process.env)}
          clock={opts.clock}
          animate={opts.animate}
          fps={fps}
        />,
        // Ctrl-C is ours (confirm, then force), not Ink's; console output must not tear frames.
        { stdout, stdin, stderr, exitOnCtrlC: false, patchConsole: true, maxFps: fps },
      );
      await instance.waitUntilExit();
    } catch (err) {
      const msg = sanitizeForTerminal(err instanceof Error ? err.message : String(err));
      const rest = opts.mode === 'local' ? 'the run goes on; Ctrl-C cancels it' : 'stopped watching';
      stderr.write(`\nlog-anomaly: the terminal UI failed: ${msg}; ${rest}\n`);
      throw err;
    } finally {
      held?.release();
      restoreTerminal(stdout, stdin);
    }
  })();
  // The caller may await this only after the run ends; a UI crash must not become an
  // unhandled rejection (and kill the run) before then.
  done.catch(() => {});
  return done;
}
