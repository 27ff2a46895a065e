/**
 * Runs the BUILT CLI (dist/, built once by test/global-setup.ts) as a child process, the way a user
 * would: plain output (CI=1), no colour, no NATS unless a test passes NATS_URL.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called once the child runs: send it a signal, peek at its stdout so far. */
  readonly onSpawn?: (kill: (signal: NodeJS.Signals) => void, stdout: () => string) => void;
}

export function runCli(args: readonly string[], opts: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, NATS_URL: '', CI: '1', NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    opts.onSpawn?.((s) => child.kill(s), () => stdout);
  });
}
