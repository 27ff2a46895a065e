import { describe, it, expect } from 'vitest';
import { readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { installPackages } from '../../src/services/install-packages.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { PipelineError } from '../../src/errors.js';

const node = process.execPath;

describe('install_packages', () => {
  it('says there is nothing to install', async () => {
    const ctx = createStandaloneContext();
    expect(await installPackages({ commands: [], cwd: tmpdir() }, ctx)).toEqual({ ran: 0 });
    expect(ctx.logs.map((l) => l.msg)).toContain('nothing to install');
  });

  it('runs argv without a shell and streams stdout/stderr into the log', async () => {
    const ctx = createStandaloneContext();
    const out = await installPackages(
      { commands: [[node, '-e', 'console.log("installed $HOME;"); console.error("warned")']], cwd: tmpdir() },
      ctx,
    );
    expect(out.ran).toBe(1);
    // No shell: `$HOME` stays literal.
    expect(ctx.logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'installed $HOME;' }));
    expect(ctx.logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'warned' }));
  });

  it('a failing command fails the step with its exit code, and later commands do not run', async () => {
    const ctx = createStandaloneContext();
    const err = (await installPackages({ commands: [[node, '-e', 'process.exit(3)'], [node, '-e', 'console.log("later")']], cwd: tmpdir() }, ctx).catch((e: unknown) => e)) as PipelineError;
    expect(err).toBeInstanceOf(PipelineError);
    expect(err.code).toBe('COMMAND_FAILED');
    expect(err.message).toMatch(/exited with code 3/);
    expect(ctx.logs.some((l) => l.msg === 'later')).toBe(false);
  });

  it('a command that does not exist is named', async () => {
    await expect(installPackages({ commands: [['definitely-not-a-command-xyz']], cwd: tmpdir() }, createStandaloneContext())).rejects.toThrow(
      /command not found: definitely-not-a-command-xyz/,
    );
  });

  it('a missing working directory is named, not mistaken for a missing command', async () => {
    await expect(installPackages({ commands: [[node, '-e', '1']], cwd: '/nonexistent/lap-dir' }, createStandaloneContext())).rejects.toThrow(
      'working directory does not exist: /nonexistent/lap-dir',
    );
  });

  it('abort kills a long-running command', async () => {
    const ac = new AbortController();
    const ctx = createStandaloneContext({ signal: ac.signal });
    const p = installPackages({ commands: [[node, '-e', 'console.log("go"); setTimeout(() => {}, 60000)']], cwd: tmpdir() }, { ...ctx, log: { ...ctx.log, info: (m) => { if (m === 'go') ac.abort(); } } });
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('a step timeout (the signal aborts with a timeout) stops the command and says it timed out', async () => {
    const ctx = createStandaloneContext({ signal: AbortSignal.timeout(300) });
    const err = (await installPackages({ commands: [[node, '-e', 'setTimeout(() => {}, 60000)']], cwd: tmpdir() }, ctx).catch((e: unknown) => e)) as PipelineError;
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(err.message).toMatch(/timed out/);
  });

  it('a signal that has already fired runs nothing', async () => {
    const ctx = createStandaloneContext({ signal: AbortSignal.abort() });
    await expect(installPackages({ commands: [[node, '-e', 'console.log("ran")']], cwd: tmpdir() }, ctx)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(ctx.logs.some((l) => l.msg === 'ran')).toBe(false);
  });

  it('abort also stops what the command started (its process group)', async () => {
    const ac = new AbortController();
    let grandchild = 0;
    const script = `const c = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }); console.log('pid ' + c.pid); setTimeout(() => {}, 60000)`;
    const ctx = createStandaloneContext({
      signal: ac.signal,
      onLog: (_level, msg) => {
        const m = /^pid (\d+)$/.exec(msg);
        if (m) {
          grandchild = Number(m[1]);
          ac.abort();
        }
      },
    });
    await expect(installPackages({ commands: [[node, '-e', script]], cwd: tmpdir() }, ctx)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(grandchild).toBeGreaterThan(0);
    // Dead or a zombie waiting for its (new) parent to reap it.
    const alive = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${grandchild}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 20_000 }).toBe(false);
  });

  it('runs in the given cwd, in order, and reports progress per command', async () => {
    const ctx = createStandaloneContext();
    const dir = realpathSync(tmpdir());
    const out = await installPackages({ commands: [[node, '-e', 'console.log(process.cwd())'], [node, '-e', 'console.log("a\\nb")']], cwd: dir }, ctx);
    expect(out).toEqual({ ran: 2 });
    const lines = ctx.logs.filter((l) => !l.msg.startsWith('running ')).map((l) => l.msg);
    expect(lines).toEqual([dir, 'a', 'b']);
    expect(ctx.progressUpdates).toEqual([
      { unit: 'commands', current: 1, total: 2 },
      { unit: 'commands', current: 2, total: 2 },
    ]);
  });
});
