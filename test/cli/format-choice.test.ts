/**
 * What detect and parse say about the format: the choice and the share matched on stderr and in
 * --json; a given --format under 90% warns with sanitized lines it missed; one matching nothing is
 * exit 2 naming the file (raw never is). The exit code is checked on the built CLI.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { detect } from '../../src/cli/commands/detect.js';
import { parse } from '../../src/cli/commands/parse.js';
import { UsageError } from '../../src/errors.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/formats');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-formats-'));
  for (const f of ['postgresql.log', 'logback.log', 'rabbitmq.log']) await copyFile(join(FIXTURES, f), join(dir, f));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memoryIo(): CliIo & { out: () => string; err: () => string } {
  const stdout = Object.assign(new PassThrough(), { columns: 120, isTTY: false });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: dir, onSignal: () => () => {}, out: () => out, err: () => err };
}

describe('format choice in detect and parse', { timeout: 60_000 }, () => {
  it('detect without --format names the detected format and its share, on stderr and in --json', async () => {
    const io = memoryIo();
    expect(await detect({ files: ['logback.log'], json: true }, io)).toBe(0);
    expect(io.err()).toContain('format log4j (auto-detected): matched 20 of the first 20 lines of logback.log');
    expect(io.err()).toContain('format log4j matched 100% of 20 lines; 15 continuation lines joined into the events before them');
    const doc = JSON.parse(io.out());
    expect(doc.input.format).toEqual({ name: 'log4j', detected: true, lines: 20, matched: 20, joined: 15, share: 1 });
    // five events, the stack trace is part of the ERROR line's event, not 15 templates of its own
    expect(doc.input.lines).toBe(5);
  });

  it('parse auto-detects too (it used to read everything raw)', async () => {
    const io = memoryIo();
    expect(await parse({ file: 'rabbitmq.log' }, io)).toBe(0);
    expect(io.err()).toContain('format rabbitmq (auto-detected)');
    expect(io.out().split('\n')[1]).toMatch(/^1,[^,]+,Logging: configured log handlers are now ACTIVE$/);
  });

  it('a given --format that fits under 90% of lines warns with a few of the lines it missed, sanitized', async () => {
    const mixed = join(dir, 'mixed.log');
    const pg = (await import('node:fs')).readFileSync(join(FIXTURES, 'postgresql.log'), 'utf8').trim().split('\n');
    await writeFile(mixed, [...pg.slice(0, 6), 'free text \u001b[31mred\u001b[0m line', 'another stray line', ...pg.slice(6, 8)].join('\n') + '\n');
    const io = memoryIo();
    expect(await parse({ file: mixed, format: 'postgresql' }, io)).toBe(0);
    expect(io.err()).toContain('warning: --format postgresql matched only 8 of the first 10 lines of mixed.log');
    expect(io.err()).toContain('  | free text red line');
    expect(io.err()).not.toContain('\u001b');
  });

  it('a given --format that matches no line is a usage error naming the file; raw never is', async () => {
    const err = await detect({ files: ['postgresql.log'], format: 'redis' }, memoryIo()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(`${join(dir, 'postgresql.log')}: --format redis matched none of its first 16 lines`);
    await expect(parse({ file: 'postgresql.log', format: 'json:msg' }, memoryIo())).rejects.toThrow(/--format json:msg matched none/);
    expect(await parse({ file: 'postgresql.log', format: 'raw' }, memoryIo())).toBe(0);
  });

  it('the built CLI exits 2 on a --format that matches nothing', async () => {
    const r = await runCli(['detect', join(dir, 'postgresql.log'), '--format', 'nginx-error']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('postgresql.log: --format nginx-error matched none');
    expect(r.stdout).toBe('');
  });
});

describe('auto-detection across files', { timeout: 60_000 }, () => {
  it('a format detected on the first file that does not fit another is a warning, not an error', async () => {
    const io = memoryIo();
    expect(await detect({ files: ['rabbitmq.log', 'postgresql.log'] }, io)).toBe(0);
    expect(io.err()).toContain('format rabbitmq (auto-detected)');
    expect(io.err()).toContain('warning: format rabbitmq (detected on rabbitmq.log) matched only 0 of the first 16 lines of postgresql.log');
  });
});
