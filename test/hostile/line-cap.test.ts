/**
 * Hostile input, bounded: one huge line, or a gigabyte with no newline at all, is truncated to the
 * line cap and counted, and the process stays small. Peak RSS is measured in the child process
 * (GNU time's "Maximum resident set size"), which is the figure an OOM killer would see.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../helpers/cli.js';

const TIME = '/usr/bin/time';
const LIMIT_KB = 300 * 1024;

interface Measured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly maxRssKb: number;
}

function detectMeasured(args: readonly string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-v', process.execPath, cliPath, 'detect', ...args], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL: '', CI: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ code, stdout, stderr, maxRssKb: m ? Number(m[1]) : Number.NaN });
    });
  });
}

describe.skipIf(!existsSync(TIME))('hostile input: line cap and memory (needs GNU time at /usr/bin/time)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lap-hostile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a 10 MB line of space-separated tokens is truncated, counted, and stays under 300 MB', async () => {
    const file = join(dir, 'one-line.log');
    const tokens: string[] = [];
    for (let i = 0; tokens.length * 8 < 10 * 1024 * 1024; i++) tokens.push(`tok${i}`.padEnd(7, 'x'));
    await writeFile(file, `normal line one\n${tokens.join(' ')}\nnormal line two\n`);
    const r = await detectMeasured([file, '--format', 'raw', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { input: { lines: number; truncatedLines?: number } };
    expect(doc.input.lines).toBe(3);
    expect(doc.input.truncatedLines).toBe(1);
    expect(r.stderr).toMatch(/1 line\(s\) longer than 65536 bytes were truncated/);
    expect(r.maxRssKb).toBeLessThanOrEqual(LIMIT_KB);
  });

  it('a 1 GB file without a newline (sparse, made here) finishes under 300 MB with one truncated line', async () => {
    const file = join(dir, 'no-newline.log');
    const fh = await open(file, 'w');
    try {
      await fh.write('x'.repeat(1 << 20));
      await fh.truncate(1 << 30); // the rest is a hole: NUL bytes the kernel makes up, no disk used
    } finally {
      await fh.close();
    }
    const r = await detectMeasured([file, '--format', 'raw', '--json', '--max-line-bytes', '4096']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { input: { lines: number; truncatedLines?: number } };
    expect(doc.input.lines).toBe(1);
    expect(doc.input.truncatedLines).toBe(1);
    expect(r.maxRssKb).toBeLessThanOrEqual(LIMIT_KB);
  }, 120_000);
});
