import { describe, it, expect } from 'vitest';
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
    const err = await installPackages({ commands: [[node, '-e', 'process.exit(3)'], [node, '-e', 'console.log("later")']], cwd: tmpdir() }, ctx).catch((e) => e);
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

  it('abort kills a long-running command', async () => {
    const ac = new AbortController();
    const ctx = createStandaloneContext({ signal: ac.signal });
    const started = Date.now();
    const p = installPackages({ commands: [[node, '-e', 'console.log("go"); setTimeout(() => {}, 60000)']], cwd: tmpdir() }, { ...ctx, log: { ...ctx.log, info: (m) => { if (m === 'go') ac.abort(); } } });
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
