import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { plannedReportUri, uploadReport } from '../../src/services/upload/index.js';
import { createStandaloneContext } from '../../src/services/context.js';
import type { UploadSettings } from '../../src/config/settings-types.js';

let root: string;
let runDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'upload-local-'));
  runDir = join(root, 'runs', 'run-7');
  await mkdir(join(runDir, 'emails'), { recursive: true });
  await writeFile(join(runDir, 'report.html'), '<html>report</html>');
  await writeFile(join(runDir, 'report.json'), '{"ok":true}');
  await writeFile(join(runDir, 'emails', '1-a@x.test.eml'), 'Subject: hi\r\n\r\nbody');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('uploadReport local', () => {
  it('copies the artifacts to <dir>/<runId>/ and returns the file:// URI of report.html', async () => {
    const upload: UploadSettings = { type: 'local', dir: 'published' }; // relative to baseDir
    const ctx = createStandaloneContext();
    const planned = await plannedReportUri(upload, 'run-7', root);
    const out = await uploadReport({ runDir, runId: 'run-7', upload, baseDir: root, artifacts: ['report.html', 'report.json', 'emails/1-a@x.test.eml'] }, ctx);
    const dest = join(root, 'published', 'run-7');
    expect(out.uri).toBe(pathToFileURL(join(dest, 'report.html')).href);
    expect(out.uri).toMatch(/^file:\/\/\//);
    expect(planned).toBe(out.uri);
    expect(await readFile(join(dest, 'report.html'), 'utf8')).toBe('<html>report</html>');
    expect(await readFile(join(dest, 'emails', '1-a@x.test.eml'), 'utf8')).toBe('Subject: hi\r\n\r\nbody');
    expect(out.files.map((f) => [f.name, f.bytes])).toEqual([['report.html', 19], ['report.json', 11], ['emails/1-a@x.test.eml', 19]]);
    expect((await readdir(dest)).sort()).toEqual(['emails', 'report.html', 'report.json']); // no temp files left
    expect(ctx.artifacts.map((a) => a.name)).toEqual(['report.html', 'report.json', 'emails/1-a@x.test.eml']);
    expect(ctx.progressUpdates.at(-1)).toMatchObject({ unit: 'files', current: 3, total: 3 });
  });

  it('a missing artifact fails before anything is copied, naming it', async () => {
    const upload: UploadSettings = { type: 'local', dir: join(root, 'out') };
    const err = await uploadReport({ runDir, runId: 'run-7', upload, baseDir: root, artifacts: ['report.html', 'report.pdf'] }, createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', retryable: false });
    expect((err as Error).message).toContain('artifact report.pdf not found');
    await expect(readdir(join(root, 'out'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses artifact names that leave the run directory', async () => {
    const upload: UploadSettings = { type: 'local', dir: join(root, 'out') };
    await expect(uploadReport({ runDir, runId: 'run-7', upload, baseDir: root, artifacts: ['../secrets.txt'] }, createStandaloneContext())).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('an aborted signal stops before copying', async () => {
    const ac = new AbortController();
    ac.abort();
    const upload: UploadSettings = { type: 'local', dir: join(root, 'out') };
    await expect(uploadReport({ runDir, runId: 'run-7', upload, baseDir: root, artifacts: ['report.html'] }, createStandaloneContext({ signal: ac.signal }))).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('an unknown upload type is a settings error', async () => {
    const upload = { type: 'ftp', dir: 'x' } as unknown as UploadSettings;
    await expect(uploadReport({ runDir, runId: 'run-7', upload, baseDir: root, artifacts: ['report.html'] }, createStandaloneContext())).rejects.toThrow(/upload.type "ftp" is not supported/);
  });
});
