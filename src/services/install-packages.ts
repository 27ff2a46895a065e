/**
 * install_packages: run each configured argv without a shell (no quoting surprises, no injection),
 * streaming its output into the run's log. A non-zero exit fails the step without retry: installs
 * that fail usually fail the same way again, and an exit code cannot tell a flaky network from a
 * bad package name (npm exits 1 for both). A step timeout stays retryable. Commands that are known
 * to flake should retry themselves (e.g. `npm ci --fetch-retries=5`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { InstallInput, InstallOutput } from '../contracts.js';
import { AbortedError, ErrorCode, PipelineError, TimeoutError } from '../errors.js';
import { truncate } from '../util/sanitize.js';
import type { ServiceContext } from './context.js';

const KILL_GRACE_MS = 2000;
/** A progress bar without newlines can make one enormous "line": keep log events bounded. */
const MAX_LINE = 4000;

/** The runtime aborts with a PipelineError (e.g. the step's TimeoutError): keep it, so the run says why. */
function stoppedBy(signal: AbortSignal, label: string): PipelineError {
  const reason: unknown = signal.reason;
  if (reason instanceof PipelineError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new TimeoutError(`install command timed out: ${label}`, { cause: reason });
  return new AbortedError(`install aborted while running: ${label}`, { cause: reason });
}

function runOne(argv: readonly string[], cwd: string, ctx: ServiceContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const label = argv.join(' ');
    // Its own process group, so an abort also stops what it started (npm runs scripts in children).
    const child = spawn(cmd, args, { cwd, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) onAbort(); // aborted while spawning: the listener will never fire
    createInterface({ input: child.stdout }).on('line', (line) => ctx.log.info(truncate(line, MAX_LINE), { command: cmd }));
    createInterface({ input: child.stderr }).on('line', (line) => ctx.log.warn(truncate(line, MAX_LINE), { command: cmd }));
    child.on('error', (err: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener('abort', onAbort);
      // spawn reports a missing cwd as ENOENT of the command: tell the two apart.
      const why =
        err.code !== 'ENOENT' ? `cannot run ${label}: ${err.message}` : existsSync(cwd) ? `command not found: ${cmd}` : `working directory does not exist: ${cwd}`;
      reject(new PipelineError(ErrorCode.COMMAND_FAILED, why, { cause: err }));
    });
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (ctx.signal.aborted) { reject(stoppedBy(ctx.signal, label)); return; }
      if (code === 0) { resolve(); return; }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new PipelineError(ErrorCode.COMMAND_FAILED, `install command ${how}: ${label}`, { details: { code, signal } }));
    });
  });
}

export async function installPackages(input: InstallInput, ctx: ServiceContext): Promise<InstallOutput> {
  if (input.commands.length === 0) {
    ctx.log.info('nothing to install');
    return { ran: 0 };
  }
  let ran = 0;
  for (const argv of input.commands) {
    if (ctx.signal.aborted) throw stoppedBy(ctx.signal, argv.join(' '));
    ctx.log.info(`running ${argv.join(' ')}`);
    await runOne(argv, input.cwd, ctx);
    ran += 1;
    ctx.progress({ unit: 'commands', current: ran, total: input.commands.length });
  }
  return { ran };
}
