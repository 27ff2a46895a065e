/** Mounts the app with Ink; loaded by render.tsx only after React's build has been chosen. */
import { render } from 'ink';
import type { Observable } from 'rxjs';
import type { BusEvent } from '../bus/events.js';
import { RunTuiApp } from './app.js';

export interface MountOptions {
  readonly events$: Observable<BusEvent>;
  readonly mode: 'local' | 'remote';
  readonly onCancel: () => void;
  readonly stdout: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly stderr: NodeJS.WriteStream;
  readonly noColor: boolean;
  readonly fps: number;
  readonly clock?: () => number;
  readonly animate?: boolean;
  readonly holdFinal?: boolean;
  readonly holdOnFailure?: boolean;
}

export async function mountRunTui(o: MountOptions): Promise<void> {
  const instance = render(
    <RunTuiApp events$={o.events$} mode={o.mode} onCancel={o.onCancel} noColor={o.noColor} clock={o.clock} animate={o.animate} fps={o.fps} holdFinal={o.holdFinal} holdOnFailure={o.holdOnFailure} />,
    // Ctrl-C is ours (confirm, then force), not Ink's; console output must not tear frames.
    { stdout: o.stdout, stdin: o.stdin, stderr: o.stderr, exitOnCtrlC: false, patchConsole: true, maxFps: o.fps },
  );
  await instance.waitUntilExit();
}
