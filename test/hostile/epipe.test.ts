/**
 * `log-anomaly run ... | head -1`: the reader goes away after one line. The run must not crash on
 * EPIPE: it finishes, writes run.json, and exits as it would have (0 for a completed run).
 */
import { it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../helpers/cli.js';

it('a closed stdout stops the output quietly; the run completes and writes run.json', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lap-epipe-'));
  try {
    const child = spawn(process.execPath, [cliPath, 'run', '--headless', '--out-dir', dir, '--run-id', 'pipe1'], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL: '', CI: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // like `head -1`: read the first chunk, then close the read end of the pipe
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(first).toMatch(/run pipe1 started/);
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
    const record = JSON.parse(await readFile(join(dir, 'pipe1', 'run.json'), 'utf8')) as { status: string; exitCode: number };
    expect(record).toMatchObject({ status: 'completed', exitCode: 0 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
