/**
 * The public entry: `renderRunTui` mounts the run screen on a terminal and resolves once it has
 * unmounted (the final screen stays on the terminal). The CLI's `run` and `watch --tui` load this
 * module lazily, so a headless run never loads Ink or React.
 */
import type { Observable } from 'rxjs';
import type { BusEvent } from '../bus/events.js';
import { holdEvents } from './hold-events.js';
import { paceEvents } from './pace-events.js';
// Nothing imported here may load React: render.tsx chooses React's build before it loads.
import { envNoColor } from './no-color.js';
import { sanitizeForTerminal } from '../util/sanitize.js';

/** Frames per second at most (view updates and Ink's renderer). */
export const DEFAULT_FPS = 15;

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
  /** Show each step as running for at least this long (the demo's `--pace`); the run is not slowed. */
  readonly paceMs?: number;
  /** Keep the final screen live (details, help) until the viewer presses q. */
  readonly holdFinal?: boolean;
  /** Keep the final screen until q when the run failed (the whole error stays readable). */
  readonly holdOnFailure?: boolean;
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
      // React picks its build when first loaded: a CLI wants the production one (several times
      // faster under a flood) unless the environment says otherwise (tests set NODE_ENV=test).
      process.env.NODE_ENV ??= 'production';
      const { mountRunTui } = await import('./mount.js');
      await mountRunTui({
        events$: opts.paceMs ? paceEvents(held.events$, opts.paceMs) : held.events$,
        holdFinal: opts.holdFinal,
        holdOnFailure: opts.holdOnFailure,
        mode: opts.mode,
        onCancel: opts.onCancel,
        stdout,
        stdin,
        stderr,
        noColor: opts.noColor ?? envNoColor(process.env),
        fps,
        clock: opts.clock,
        animate: opts.animate,
      });
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
