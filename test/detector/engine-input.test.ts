import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLineBatches, mergeSources, arraySource, runDetector, fileSource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import { createLineParser } from '../../src/detector/format/index.js';
import { line, T0 } from './detect-helpers.js';

async function lines(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const b of readLineBatches(path)) out.push(...b);
  return out;
}

describe('engine input', () => {
  it('reads plain and gzip, strips CR, keeps a last line without newline, replaces invalid UTF-8', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'input-'));
    const bytes = Buffer.concat([Buffer.from('first\r\nsecond \xe2\x82\xac\n', 'latin1'), Buffer.from([0x62, 0xff, 0xfe, 0x61, 0x0a]), Buffer.from('last')]);
    await writeFile(join(dir, 'a.log'), bytes);
    await writeFile(join(dir, 'a.log.gz'), gzipSync(bytes));
    const expected = ['first', 'second €', 'b\uFFFD\uFFFDa', 'last'];
    expect(await lines(join(dir, 'a.log'))).toEqual(expected);
    expect(await lines(join(dir, 'a.log.gz'))).toEqual(expected);
    await expect(lines(join(dir, 'missing.log'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads a named pipe (FIFO) that another process writes, opening it once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'input-'));
    const fifo = join(dir, 'live.log');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf 'one\\ntwo\\r\\nthree' > "${fifo}"`], { stdio: 'ignore' });
    try {
      expect(await lines(fifo)).toEqual(['one', 'two', 'three']);
    } finally {
      writer.kill();
    }
  });

  it('a 1 MB single line goes through detection without harm; binary junk is refused naming the file (input-rule.test.ts)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'input-'));
    const big = join(dir, 'big.log');
    await writeFile(big, 'x'.repeat(1 << 20) + '\n' + 'normal line here\n');
    const junk = join(dir, 'junk.bin');
    await writeFile(junk, Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919) % 256)));
    const parser = createLineParser({ type: 'raw' });
    const r = await runDetector([fileSource(big, parser)], { config: DEFAULT_DETECTION_CONFIG });
    expect(r.doc.input.lines).toBe(2);
    expect(r.doc.input.streams).toEqual(['big']);
    expect(JSON.stringify(r.doc).length).toBeLessThan(4 << 20);
    await expect(runDetector([fileSource(big, parser), fileSource(junk, parser)], { config: DEFAULT_DETECTION_CONFIG })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(/junk\.bin: binary data \(NUL bytes in its first 8192 bytes\)/),
    });
  });

  it('merges sources by timestamp; untimed lines follow their predecessor', async () => {
    const a = [line(T0 + 1, 'a1', 'INFO', 'a'), line(null, 'a1-cont', 'INFO', 'a'), line(T0 + 5, 'a5', 'INFO', 'a')];
    const b = [line(T0 + 2, 'b2', 'INFO', 'b'), line(T0 + 3, 'b3', 'INFO', 'b')];
    const out: string[] = [];
    for await (const batch of mergeSources([arraySource(a), arraySource(b)])()) out.push(...batch.map((l) => l.content));
    expect(out).toEqual(['a1', 'a1-cont', 'b2', 'b3', 'a5']);
  });
});
