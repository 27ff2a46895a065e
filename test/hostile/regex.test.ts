/**
 * Catastrophic user regexes: `(a+)+$` against long lines of `a` would backtrack for longer than
 * anyone waits, and nothing can interrupt a running regex. They must finish (V8's linear-time
 * engine takes over, util/linear-regex.ts); patterns that engine cannot run are refused with
 * their place. The vitest timeout is the hang guard here, not a speed goal.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDetectionConfig } from '../../src/config/detection-config.js';
import { parseSettings } from '../../src/config/settings.js';
import { applyMasks, compileMasks } from '../../src/detector/mask/index.js';
import { compileIgnorePatterns } from '../../src/services/report/rules.js';
import { runCli } from '../helpers/cli.js';

const EVIL = '(a+)+$';
const longA = (n: number) => 'a'.repeat(n) + 'b';

describe('catastrophic user regexes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lap-regex-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a mask and an ignore pattern of (a+)+$ on a 60k-character line finish', () => {
    const [mask] = compileMasks([EVIL]);
    expect(applyMasks(longA(60_000), [mask])).toBe(longA(60_000));
    const [ignore] = compileIgnorePatterns([EVIL], 'c.yaml');
    expect(ignore.test(longA(60_000))).toBe(false);
    expect(ignore.test('aaa')).toBe(true);
  });

  it('detect --session-key and --mask (a+)+$ over lines of 60k a’s ends with exit 0', async () => {
    const file = join(dir, 'a.log');
    await writeFile(file, Array.from({ length: 8 }, () => longA(60_000)).join('\n') + '\n');
    const r = await runCli(['detect', file, '--format', 'raw', '--json', '--session-key', EVIL, '--mask', EVIL]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { input: { lines: number } }).input.lines).toBe(8);
  }, 60_000);

  it('a pattern the linear engine cannot run is refused with file:line:col', () => {
    expect(() => parseDetectionConfig('version: "1"\nignore:\n  - ok\n  - "(\\\\w+) \\\\1"\n', 'c.yaml')).toThrow(
      /^c\.yaml:4:5 ignore\[1\]: .* cannot run in linear time: backreferences/,
    );
    expect(() => parseSettings('source: { type: file, paths: [x] }\ndetectionConfig: { location: c.yaml }\ndetector: { type: builtin, sessionKey: "id=(?=\\\\d)" }\n', '/x/s.yaml', 's.yaml')).toThrow(
      /s\.yaml:3:\d+ detector\.sessionKey: .*lookaround/,
    );
  });

  it('the CLI refuses a backreference in --mask with exit 2', async () => {
    const file = join(dir, 'b.log');
    await writeFile(file, 'x\n');
    const r = await runCli(['detect', file, '--format', 'raw', '--mask', '(a)\\1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--mask .*cannot run in linear time/);
  });
});
