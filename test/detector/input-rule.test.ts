/**
 * Inputs, one rule, for `run` (file source), `detect` and `parse`: directories are read
 * recursively, gzip is recognised by its bytes whatever the name, and other compressions,
 * archives and binary files are bad input (exit code 2) naming the file and what to do.
 * Compressed fixtures are made with the real tools when installed, else from their magic bytes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ingestLogs } from '../../src/services/ingest/index.js';
import { expandGlob } from '../../src/services/ingest/glob.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { readLineBatches } from '../../src/detector/input/read-lines.js';
import { detect } from '../../src/cli/commands/detect.js';
import { parse } from '../../src/cli/commands/parse.js';
import { errorExitCode } from '../../src/cli/errors.js';
import { exitCodeFor } from '../../src/bus/events.js';
import type { CliIo } from '../../src/cli/io.js';
import { PipelineError } from '../../src/errors.js';
import type { LogFormat } from '../../src/config/settings-types.js';

const FORMAT: LogFormat = { type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>' };
const TEXT = Array.from({ length: 40 }, (_, i) => `2024-01-01 10:00:${String(i).padStart(2, '0')} INFO api: request ${i} served in ${i * 3} ms`).join('\n') + '\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'input-rule-'));
});
afterEach(async () => {
  await chmod(join(dir, 'locked'), 0o755).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

function io(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: dir, onSignal: () => () => {}, out: () => out, err: () => err };
}

const has = (tool: string) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** A tar header for one file (POSIX ustar), then the content padded to 512 bytes. */
function tarOf(name: string, content: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(content.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  body.write(content);
  return Buffer.concat([h, body, Buffer.alloc(1024)]);
}

/** The file as the tool writes it, or its magic bytes and some payload when the tool is missing. */
async function packed(name: string, tool: 'xz' | 'zstd' | 'bzip2' | 'zip' | 'lz4'): Promise<string> {
  const plain = join(dir, 'plain.txt');
  await writeFile(plain, TEXT);
  const out = join(dir, name);
  const magic = { xz: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], zstd: [0x28, 0xb5, 0x2f, 0xfd], bzip2: [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59], zip: [0x50, 0x4b, 0x03, 0x04], lz4: [0x04, 0x22, 0x4d, 0x18] }[tool];
  if (!has(tool)) await writeFile(out, Buffer.concat([Buffer.from(magic), Buffer.from(TEXT)]));
  else if (tool === 'zip') execFileSync('zip', ['-q', '-j', out, plain]);
  else await writeFile(out, execFileSync(tool, tool === 'lz4' ? ['-c', '-q', plain] : ['-c', plain]));
  await rm(plain);
  return out;
}

async function readAll(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const b of readLineBatches(file)) lines.push(...b);
  return lines;
}

async function refusal(file: string): Promise<PipelineError> {
  const err = await readAll(file).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PipelineError);
  return err as PipelineError;
}

describe('what a file holds: decided by its bytes', () => {
  it('gzip is read whatever the name (no .gz, or .log), and a .gz that is plain text is read as text', async () => {
    await writeFile(join(dir, 'rotated.1'), gzipSync(TEXT));
    await writeFile(join(dir, 'plain.log.gz'), TEXT);
    expect(await readAll(join(dir, 'rotated.1'))).toHaveLength(40);
    expect(await readAll(join(dir, 'plain.log.gz'))).toHaveLength(40);
  });

  it.each([
    ['app.log.xz', 'xz', /app\.log\.xz: xz-compressed, which is not read as a log: decompress it first: xz -dk .*app\.log\.xz$/],
    ['app.log.zst', 'zstd', /app\.log\.zst: zstd-compressed, .*zstd -d /],
    ['app.log.bz2', 'bzip2', /app\.log\.bz2: bzip2-compressed, .*bzip2 -dk /],
    ['logs.zip', 'zip', /logs\.zip: a zip archive, .*unzip .*logs\.zip\) and point at the extracted log files/],
    ['app.log.lz4', 'lz4', /app\.log\.lz4: lz4-compressed, .*lz4 -d /],
  ] as const)('%s (%s) is bad input naming the file and the command that unpacks it', async (name, tool, message) => {
    const err = await refusal(await packed(name, tool));
    expect(err.code).toBe('INPUT_INVALID');
    expect(err.message).toMatch(message);
    expect(errorExitCode(err)).toBe(2);
    expect(exitCodeFor('failed', err)).toBe(2);
  });

  it('tar and .tar.gz (a gzip whose content is a tar) say to extract them first', async () => {
    await writeFile(join(dir, 'logs.tar'), tarOf('app.log', TEXT));
    await writeFile(join(dir, 'logs.tgz'), gzipSync(tarOf('app.log', TEXT)));
    expect((await refusal(join(dir, 'logs.tar'))).message).toMatch(/logs\.tar: a tar archive, .*tar -xf .*logs\.tar\)/);
    expect((await refusal(join(dir, 'logs.tgz'))).message).toMatch(/logs\.tgz: a gzip-compressed tar archive, .*tar -xzf .*logs\.tgz\)/);
  });

  it('binary files (NUL bytes, or mostly non-text) are refused; UTF-8 and ANSI-coloured logs are text', async () => {
    await writeFile(join(dir, 'core'), Buffer.concat([Buffer.from('ELF'), Buffer.alloc(64), Buffer.from(TEXT)]));
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = 0x80 + ((i * 37) % 0x7f);
    await writeFile(join(dir, 'noise.log'), noise);
    await writeFile(join(dir, 'noise.gz'), gzipSync(Buffer.concat([Buffer.from('a'), Buffer.alloc(100)])));
    await writeFile(join(dir, 'utf8.log'), 'Größe überschritten — 警告 \u001b[31mERROR\u001b[0m ok\n'.repeat(50));
    expect((await refusal(join(dir, 'core'))).message).toMatch(/core: binary data \(NUL bytes in its first \d+ bytes\), .*point at text log files \(plain or gzip\)/);
    expect((await refusal(join(dir, 'noise.log'))).message).toMatch(/noise\.log: binary data \(mostly bytes that are not UTF-8 text/);
    expect((await refusal(join(dir, 'noise.gz'))).message).toMatch(/noise\.gz: gzip-compressed binary data \(NUL bytes in its first \d+ bytes after decompression\)/);
    expect(await readAll(join(dir, 'utf8.log'))).toHaveLength(50);
  });

  it('a FIFO is sniffed from its first chunk: gzip through it is decompressed', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = (async () => {
      const { open } = await import('node:fs/promises');
      const fh = await open(fifo, 'w');
      await fh.write(gzipSync(TEXT));
      await fh.close();
    })();
    expect(await readAll(fifo)).toHaveLength(40);
    await writer;
  });
});

describe('directories and globs (run, detect, parse)', () => {
  async function tree() {
    await mkdir(join(dir, 'logs', 'a', 'b'), { recursive: true });
    await writeFile(join(dir, 'logs', 'api.log'), TEXT);
    await writeFile(join(dir, 'logs', 'a', 'b', 'db'), gzipSync(TEXT.replace(/api/g, 'db')));
    await writeFile(join(dir, 'logs', 'a', 'notes.txt'), TEXT.replace(/api/g, 'notes'));
  }

  it('run: a directory in source.paths is read recursively, every file (gzip by its bytes), or those matching source.include', async () => {
    await tree();
    const ctx = createStandaloneContext();
    const all = await ingestLogs({ runDir: join(dir, 'r1'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['logs'] } }, ctx);
    expect(all.lines).toBe(120);
    expect(all.source).toBe('file:logs (3 files)');
    const some = await ingestLogs({ runDir: join(dir, 'r2'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['logs'], include: ['**/*.log', '**/db'] } }, ctx);
    expect(some.lines).toBe(80);
    expect(some.source).toBe('file:logs (2 files)');
  });

  it('run: a binary file in the directory fails the run with INPUT_INVALID (exit 2), naming it: nothing is skipped', async () => {
    await tree();
    await writeFile(join(dir, 'logs', 'a', 'dump.bin'), Buffer.alloc(100));
    const err = await ingestLogs({ runDir: join(dir, 'r'), baseDir: dir, format: FORMAT, source: { type: 'file', paths: ['logs'] } }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INPUT_INVALID' });
    expect((err as Error).message).toContain(join(dir, 'logs', 'a', 'dump.bin'));
    expect(exitCodeFor('failed', err as PipelineError)).toBe(2);
  });

  it('detect: directories and globs as arguments; an xz file is a usage error (exit 2) naming it', async () => {
    await tree();
    const cli = io();
    expect(await detect({ files: ['logs'], format: FORMAT.pattern, json: true }, cli)).toBe(0);
    expect((JSON.parse(cli.out()) as { input: { lines: number } }).input.lines).toBe(120);
    const globbed = io();
    expect(await detect({ files: ['logs/**/*.log'], format: FORMAT.pattern, json: true }, globbed)).toBe(0);
    expect((JSON.parse(globbed.out()) as { input: { lines: number } }).input.lines).toBe(40);
    await packed('logs/old.xz', 'xz');
    const err = await detect({ files: ['logs'], format: FORMAT.pattern }, io()).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/logs\/old\.xz: xz-compressed, which is not read as a log: decompress it first: xz -dk /);
    expect(errorExitCode(err)).toBe(2);
    await mkdir(join(dir, 'empty'));
    await expect(detect({ files: ['empty'] }, io())).rejects.toThrow(/^empty: a directory with no files in it$/);
  });

  it('parse: a directory holding one file reads it; several files are a usage error listing them', async () => {
    await mkdir(join(dir, 'one'));
    await writeFile(join(dir, 'one', 'x'), gzipSync(TEXT));
    const cli = io();
    expect(await parse({ file: 'one', format: FORMAT.pattern }, cli)).toBe(0);
    expect(cli.out().trim().split('\n')).toHaveLength(41);
    await tree();
    const err = await parse({ file: 'logs', format: FORMAT.pattern }, io()).catch((e: unknown) => e);
    expect((err as Error).message).toBe('parse reads one file (LineId is its line number); logs names 3 files (logs/a/b/db, logs/a/notes.txt, logs/api.log): run parse on each');
    expect(errorExitCode(err)).toBe(2);
  });

  it('a directory that cannot be listed is an error naming it, not an empty match', async (ctx) => {
    if (process.getuid?.() === 0) ctx.skip('running as root: permissions do not stop root from listing a directory');
    await mkdir(join(dir, 'locked', 'inner'), { recursive: true });
    await writeFile(join(dir, 'locked', 'inner', 'a.log'), TEXT);
    await chmod(join(dir, 'locked', 'inner'), 0o000);
    await expect(expandGlob('locked', dir)).rejects.toThrow(new RegExp(`cannot list ${join(dir, 'locked', 'inner')}: EACCES \\(permission denied\\)`));
    await expect(expandGlob('locked/**/*.log', dir)).rejects.toThrow(/cannot list .*locked\/inner: EACCES/);
    await chmod(join(dir, 'locked'), 0o000);
    await expect(expandGlob('locked', dir)).rejects.toThrow(/cannot list .*locked: EACCES/);
    await chmod(join(dir, 'locked', 'inner'), 0o755).catch(() => {});
  });
});
