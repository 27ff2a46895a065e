/**
 * Runs the built CLI with `--json` and SIGKILLs it the moment an event matching `when` is printed:
 * the way to stop a run at an exact step boundary (or mid-step, on a progress event) without sleeps.
 */
import { spawn } from 'node:child_process';
import { cliPath, repoRoot } from './cli.js';

export interface KilledRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Events printed before the kill (parsed NDJSON). */
  readonly events: any[];
  readonly stderr: string;
  /** Whether `when` matched (false: the run ended on its own). */
  readonly killed: boolean;
}

export function runAndKillAt(args: readonly string[], when: (e: any) => boolean, env: NodeJS.ProcessEnv = {}): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args, '--json'], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL: '', CI: '1', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: any[] = [];
    let buf = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      if (killed) return;
      buf += d.toString('utf8');
      let nl = buf.indexOf('\n');
      while (nl >= 0 && !killed) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        if (!line.trim()) continue;
        const e = JSON.parse(line);
        events.push(e);
        if (when(e)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, events, stderr, killed }));
  });
}

/** Resolves once the child prints an event matching `when`; the child keeps running. */
export function startAndWaitFor(args: readonly string[], when: (e: any) => boolean, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [cliPath, ...args, '--json'], {
    cwd: repoRoot,
    env: { ...process.env, NATS_URL: '', CI: '1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let buf = '';
  /** Every event printed so far (parsed NDJSON). */
  const events: any[] = [];
  child.stderr.on('data', (d) => (stderr += d));
  const seen = new Promise<void>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (!l.trim()) continue;
        const e = JSON.parse(l);
        events.push(e);
        if (when(e)) res();
      }
    });
    child.on('close', () => rej(new Error(`exited before the event: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) => child.on('close', (code, signal) => res({ code, signal, stderr })));
  seen.catch(() => undefined);
  return { child, seen, exited, events };
}
