/** `log-anomaly parse` in-process: CSV shape, RFC-4180 quoting, LineId as the line number in the file, atomic --out, bad input. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parse } from '../../src/cli/commands/parse.js';
import type { CliIo } from '../../src/cli/io.js';
import { UsageError } from '../../src/errors.js';
import { parseCsv } from '../../src/detector/eval/csv.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parse-cli-'));
});
afterEach(async () => {
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

const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';

describe('log-anomaly parse', () => {
  it('prints LineId,EventId,EventTemplate for the lines that parsed, quoting templates with commas', async () => {
    await writeFile(
      join(dir, 'a.log'),
      ['2024-01-01 10:00:00 INFO api: user 17 logged in, session 99', 'garbage line', '2024-01-01 10:00:01 INFO api: user 18 logged in, session 7', '2024-01-01 10:00:02 WARN db: "slow" query 300ms'].join('\r\n'),
    );
    const cli = io();
    expect(await parse({ file: 'a.log', format: FORMAT }, cli)).toBe(0);
    const rows = parseCsv(cli.out());
    expect(rows[0]).toEqual(['LineId', 'EventId', 'EventTemplate']);
    // line 2 joined the event of line 1: the next events start on lines 3 and 4
    expect(rows.slice(1).map((r) => r[0])).toEqual(['1', '3', '4']);
    expect(rows[1][2]).toBe('user <*> logged in, session <*>');
    expect(rows[2][1]).toBe(rows[1][1]);
    // a quoted word is a variable span (docs/detection.md "Variable spans"); the quotes still need CSV quoting
    expect(rows[3][2]).toBe('"<*>" query <*>');
    expect(cli.out()).toContain('"user <*> logged in, session <*>"');
    // the line the format does not fit joins the event before it (format/multiline.ts) and is counted as a miss
    expect(cli.err()).toContain('format <Date> <Time> <Level> <Component>: <Content> matched 75% of 4 lines; 1 continuation line joined');
    expect(cli.err()).toContain('warning: --format');
    expect(cli.err()).toContain('| garbage line');
  });

  it('LineId is the line number in the file: blank and whitespace-only lines count', async () => {
    const lines = ['', 'job a-1 started', '', '   ', 'job b-2 started', '\t', '', 'worker 7 idle', 'job c-3 started', ''];
    await writeFile(join(dir, 'gaps.log'), lines.join('\n'));
    const cli = io();
    expect(await parse({ file: 'gaps.log' }, cli)).toBe(0);
    const rows = parseCsv(cli.out()).slice(1);
    expect(rows.map((r) => r[0])).toEqual(['2', '5', '8', '9']);
    // checked against the file: each LineId's line is the line the template came from
    const file = (await readFile(join(dir, 'gaps.log'), 'utf8')).split('\n');
    for (const [id, , template] of rows) {
      const re = new RegExp(`^${template.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/<\*>/g, '.+')}$`);
      expect(file[Number(id) - 1]).toMatch(re);
    }
  });

  it('writes --out atomically, reads .gz, applies --mask', async () => {
    await writeFile(join(dir, 'b.log.gz'), gzipSync('job abc-1 done\njob xyz-22 done\n'));
    const cli = io();
    expect(await parse({ file: 'b.log.gz', mask: ['[a-z]{3}-\\d+'], out: 'out/t.csv' }, cli)).toBe(0);
    const rows = parseCsv(await readFile(join(dir, 'out', 't.csv'), 'utf8'));
    expect(rows.slice(1)).toEqual([
      ['1', rows[1][1], 'job <*> done'],
      ['2', rows[1][1], 'job <*> done'],
    ]);
    expect((await readdir(join(dir, 'out'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(cli.out()).toBe('');
  });

  it('bad input is a UsageError naming it', async () => {
    await expect(parse({ file: 'missing.log' }, io())).rejects.toThrow(/missing\.log/);
    await writeFile(join(dir, 'c.log'), 'x\n');
    await expect(parse({ file: 'c.log', mask: ['('] }, io())).rejects.toThrow(UsageError);
    await expect(parse({ file: 'c.log', format: '<Date> <Time>' }, io())).rejects.toThrow(/<Content>/);
  });
});
