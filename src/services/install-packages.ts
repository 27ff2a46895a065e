/**
 * install_packages: run each configured argv without a shell (no quoting surprises, no injection),
 * streaming its output into the run's log. A failing command fails the step without retry: installs
 * that fail usually fail the same way again, and a flaky network install can be given
 * `steps.install_packages.attempts` by turning the error retryable in a wrapper script.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { InstallInput, InstallOutput } from '../contracts.js';
import { AbortedError, ErrorCode, PipelineError, throwIfAborted } from '../errors.js';
import type { ServiceContext } from './context.js';

const KILL_GRACE_MS = 2000;

function runOne(argv: readonly string[], cwd: string, ctx: ServiceContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const label = argv.join(' ');
    const child = spawn(cmd, args, { cwd, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    createInterface({ input: child.stdout }).on('line', (line) => ctx.log.info(line, { command: cmd }));
    createInterface({ input: child.stderr }).on('line', (line) => ctx.log.warn(line, { command: cmd }));
    child.on('error', (err: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener('abort', onAbort);
      const why = err.code === 'ENOENT' ? `command not found: ${cmd}` : `cannot run ${label}: ${err.message}`;
      reject(new PipelineError(ErrorCode.COMMAND_FAILED, why, { cause: err }));
    });
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (ctx.signal.aborted) return reject(new AbortedError(`install aborted while running: ${label}`));
      if (code === 0) return resolve();
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
    throwIfAborted(ctx.signal, 'install_packages');
    ctx.log.info(`running ${argv.join(' ')}`);
    await runOne(argv, input.cwd, ctx);
    ran += 1;
    ctx.progress({ unit: 'commands', current: ran, total: input.commands.length });
  }
  return { ran };
}
