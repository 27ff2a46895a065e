/**
 * A real terminal for end-to-end TUI tests: a detached tmux session on its own server socket
 * (so parallel tests and the developer's own tmux never meet), driven with send-keys and read
 * with capture-pane. Always `kill()` it in afterAll.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TmuxOptions {
  readonly columns: number;
  readonly rows: number;
  readonly cwd: string;
  /** A shell command line, run by `sh -c` inside the pane. */
  readonly command: string;
}

export class TmuxSession {
  readonly socket = `lap-tui-${process.pid}-${randomBytes(4).toString('hex')}`;
  private started = false;

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  start(o: TmuxOptions): this {
    this.tmux(['new-session', '-d', '-s', 'e2e', '-x', String(o.columns), '-y', String(o.rows), '-c', o.cwd, 'sh', '-c', o.command]);
    this.started = true;
    return this;
  }

  /** The visible screen as plain text (trailing blank lines dropped). */
  capture(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'e2e']).replace(/\n+$/, '');
  }

  /** tmux key names (`q`, `y`, `C-c`, `Down`, `Enter`). */
  sendKeys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'e2e', ...keys]);
  }

  /** `#{cursor_flag}` and friends: the pane's terminal state. */
  display(format: string): string {
    return this.tmux(['display-message', '-p', '-t', 'e2e', format]).trim();
  }

  /** Polls the screen until `test` holds; fails with the last screen when it never does. */
  async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs: number): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => (typeof test === 'string' ? s.includes(test) : test.test(s));
    const until = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < until) {
      screen = this.capture();
      if (ok(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`tmux: screen never showed ${String(test)} within ${timeoutMs}ms; last screen:\n${screen}`);
  }

  kill(): void {
    if (!this.started) return;
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
  }
}
