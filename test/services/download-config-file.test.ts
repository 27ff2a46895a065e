/** download_config_yaml from a local path: resolution from baseDir, errors that name the file. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadConfig } from '../../src/services/download-config.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { ConfigError } from '../../src/errors.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lap-config-file-'));
  await mkdir(join(root, 'conf'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const run = (location: string) =>
  downloadConfig({ runDir: join(root, 'runs', 'r1'), baseDir: root, source: { location } }, createStandaloneContext());

describe('download_config_yaml from a local path', () => {
  it('resolves a relative path from baseDir, validates it and copies it into the run', async () => {
    const text = 'version: 12\nignore: ["healthz"]\n';
    await writeFile(join(root, 'conf', 'detect.yaml'), text);
    const out = await run('conf/detect.yaml');
    expect(out).toMatchObject({ version: '12', origin: 'conf/detect.yaml', fromCache: false });
    expect(out.etag).toBeUndefined();
    expect(out.config.ignore).toEqual(['healthz']);
    expect(await readFile(join(root, 'runs', 'r1', 'detection-config.yaml'), 'utf8')).toBe(text);
  });

  it('the bundled example config is valid', async () => {
    const example = join(import.meta.dirname, '..', '..', 'examples', 'detection-config.yaml');
    const out = await run(example);
    expect(out.config.notify.recipients.length).toBeGreaterThan(0);
  });

  it('a missing file is a config error naming it', async () => {
    const err = await run('conf/nope.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('conf/nope.yaml: cannot read the detection config: no such file');
    expect((err as ConfigError).retryable).toBe(false);
  });

  it('a schema error names the path, line, column and field; nothing is copied', async () => {
    await writeFile(join(root, 'conf', 'bad.yaml'), 'version: "1"\nnotify:\n  recipients:\n    - oncall@example.com\n    - not-an-address\n');
    const err = await run('conf/bad.yaml').catch((e: unknown) => e);
    expect((err as Error).message).toBe('conf/bad.yaml:5:7 notify.recipients[1]: expected an email address, got "not-an-address"');
    await expect(readFile(join(root, 'runs', 'r1', 'detection-config.yaml'))).rejects.toThrow();
  });
});
