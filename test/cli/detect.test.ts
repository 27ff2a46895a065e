import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { detect } from '../../src/cli/commands/detect.js';
import type { CliIo } from '../../src/cli/io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';

function memoryIo(columns = 120, isTTY = false): CliIo & { out: () => string; err: () => string } {
  const stdout = Object.assign(new PassThrough(), { columns, isTTY });
  const stderr = new PassThrough();
  const chunks: string[] = [];
  const errs: string[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  stderr.on('data', (c: Buffer) => errs.push(c.toString()));
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    cwd: ROOT,
    onSignal: () => () => {},
    out: () => chunks.join(''),
    err: () => errs.join(''),
  };
}

const files = ['api-gateway', 'auth', 'payments', 'worker'].map((s) => `examples/logs/${s}.log`);
const baseline = ['api-gateway', 'auth', 'payments', 'worker'].map((s) => `examples/baseline/${s}.log.gz`);

describe('log-anomaly detect', { timeout: 60_000 }, () => {
  it('--json prints anomalies.json for the demo with every injected kind', async () => {
    const io = memoryIo();
    const code = await detect({ files, baseline, format: FORMAT, json: true, sessionKey: 'req=([0-9a-f]{16})' }, io);
    expect(code).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.schema).toBe('log-anomaly-pipeline/anomalies');
    expect(doc.input.streams).toEqual(['api-gateway', 'auth', 'payments', 'worker']);
    const kinds = new Set(doc.anomalies.map((a: { kind: string }) => a.kind));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['frequency_spike', 'new_template', 'session_anomaly', 'silence']));
    for (const a of doc.anomalies) {
      expect(a.explanation.length).toBeGreaterThan(10);
      expect(typeof a.score).toBe('number');
    }
  });

  it('prints a terminal-safe table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-cli-'));
    const f = join(dir, 'evil.log');
    const lines = Array.from({ length: 300 }, (_, i) => `normal line number ${i} processed`);
    lines.push('\u001b[2J\u001b]0;pwned\u0007 kernel panic: evil escape sequence here');
    await writeFile(f, lines.join('\n'));
    const io = memoryIo(100, true);
    expect(await detect({ files: [f] }, io)).toBe(0);
    const out = io.out();
    expect(out).toContain('rare_template');
    expect(out).toContain('kernel panic');
    expect(out).not.toContain('\u001b');
    expect(out).toContain('baseline: none');
    for (const l of out.split('\n')) expect(Array.from(l).length).toBeLessThanOrEqual(100);
  });

  it('plain output (not a terminal) cuts nothing, however long the line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-cli-'));
    const f = join(dir, 'long.log');
    const tail = 'x'.repeat(300);
    const lines = Array.from({ length: 300 }, (_, i) => `normal line number ${i} processed`);
    lines.push(`kernel panic: a very long message ${tail} end-of-message`);
    await writeFile(f, lines.join('\n'));
    const io = memoryIo(100, false);
    expect(await detect({ files: [f] }, io)).toBe(0);
    expect(io.out()).toContain(`${tail} end-of-message`);
    expect(io.out()).not.toContain('…');
  });

  it('without --format, guesses the format from the first lines and says so', async () => {
    const io = memoryIo();
    expect(await detect({ files, baseline, json: true }, io)).toBe(0);
    expect(io.err()).toMatch(/format <Date> <Time> <Level> <Content> \(auto-detected\): matched (\d+) of the first \1 lines/);
    expect(io.err()).toMatch(/format <Date> <Time> <Level> <Content> matched 100% of \d+ lines/);
    const doc = JSON.parse(io.out());
    expect(doc.input.format).toMatchObject({ name: '<Date> <Time> <Level> <Content>', detected: true, share: 1 });
    expect(doc.input.from).toBe(Date.parse('2026-11-26T09:00:00Z'));
    expect(doc.anomalies.some((a: { kind: string }) => a.kind === 'frequency_spike')).toBe(true);
  });

  it('bad input is a usage error naming the flag', async () => {
    await expect(detect({ files: ['nope.log'] }, memoryIo())).rejects.toThrow(/nope\.log: no such file/);
    await expect(detect({ files, mask: ['(unclosed'] }, memoryIo())).rejects.toThrow(/--mask "\(unclosed": invalid regular expression/);
    await expect(detect({ files, format: 'nonsense' }, memoryIo())).rejects.toThrow(/--format/);
  });

  it('an empty input file: says nothing was checked (stderr and --json notices), exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-cli-'));
    const f = join(dir, 'empty.log');
    await writeFile(f, '');
    const io = memoryIo();
    expect(await detect({ files: [f], format: FORMAT, json: true }, io)).toBe(2);
    expect(JSON.parse(io.out()).notices).toEqual([{ code: 'no_input', message: 'no log lines were read from the input: nothing was checked' }]);
    expect(io.err()).toContain('log-anomaly detect: no log lines were read from the input: nothing was checked');
    const table = memoryIo();
    expect(await detect({ files: [f], format: FORMAT }, table)).toBe(2);
    expect(table.out()).toContain('nothing checked: the input had no lines');
    expect(table.out()).not.toContain('no anomalies');
  });

  it('an empty baseline file: detects without it and says so, exit 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-cli-'));
    const empty = join(dir, 'empty.log');
    await writeFile(empty, '');
    const io = memoryIo();
    expect(await detect({ files: [files[0]], baseline: [empty], format: FORMAT, json: true }, io)).toBe(0);
    const doc = JSON.parse(io.out());
    expect(doc.baseline).toBeNull();
    expect(doc.anomalies.filter((a: { kind: string }) => a.kind === 'new_template')).toEqual([]);
    expect(doc.notices.map((n: { code: string }) => n.code)).toEqual(['empty_baseline']);
    expect(io.err()).toContain('the baseline had no log lines');
  });
});

describe('detect: --baseline takes files up to the next flag', { timeout: 60_000 }, () => {
  it('`detect --baseline B A` is an error that says A was taken as a baseline (exit 2), not a silent run', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['detect', '--baseline', baseline[0], files[0]]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--baseline took every file after it (${baseline[0]} ${files[0]})`);
    expect(r.stderr).toContain('detect FILES --baseline B');
  });

  it('files first, or the baseline list ended with --, both run', async () => {
    const { runCli } = await import('../helpers/cli.js');
    for (const args of [[files[0], '--baseline', baseline[0]], ['--baseline', baseline[0], '--', files[0]]]) {
      const r = await runCli(['detect', '--format', FORMAT, '--json', ...args]);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).input.streams).toEqual(['api-gateway']);
    }
  });
});
