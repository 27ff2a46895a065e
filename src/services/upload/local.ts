/**
 * `upload.type: local`: copies the artifacts to `<dir>/<runId>/` (dir relative to the settings
 * file), each through a temp file and a rename so a reader never sees a half-copied report.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { UploadSettings } from '../../config/settings-types.js';
import { ErrorCode, PipelineError, throwIfAborted, messageOf } from '../../errors.js';
import { REPORT_NAME, reportUriOf, resolveArtifacts } from './artifacts.js';
import type { Uploader } from './types.js';
import { refuseSymlink } from '../../util/no-symlink.js';

type LocalSettings = Extract<UploadSettings, { type: 'local' }>;

async function copyAtomic(src: string, dest: string, signal: AbortSignal): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await pipeline(createReadStream(src), createWriteStream(tmp), { signal });
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throwIfAborted(signal, 'upload_report');
    throw new PipelineError(ErrorCode.IO, `cannot copy ${src} to ${dest}: ${messageOf(err)}`, { cause: err });
  }
}

export function localUploader(settings: LocalSettings): Uploader {
  const targetDir = (runId: string, baseDir: string) => resolve(baseDir, settings.dir, runId);
  return {
    plannedUri(runId, baseDir) {
      return Promise.resolve(pathToFileURL(join(targetDir(runId, baseDir), REPORT_NAME)).href);
    },
    async upload(input, ctx) {
      const files = await resolveArtifacts(input.runDir, input.artifacts);
      const dir = targetDir(input.runId, input.baseDir);
      await refuseSymlink(resolve(input.baseDir, settings.dir), 'upload folder');
      await refuseSymlink(dir, 'upload folder');
      const out: { name: string; uri: string; bytes: number }[] = [];
      for (const [i, f] of files.entries()) {
        throwIfAborted(ctx.signal, 'upload_report');
        const dest = join(dir, f.name);
        await copyAtomic(f.path, dest, ctx.signal);
        const uri = pathToFileURL(dest).href;
        out.push({ name: f.name, uri, bytes: f.bytes });
        ctx.artifact({ name: f.name, uri, bytes: f.bytes });
        ctx.progress({ unit: 'files', current: i + 1, total: files.length, label: f.name });
      }
      const uri = reportUriOf(out);
      ctx.log.info('report copied', { dir, files: out.length, uri });
      return { uri, files: out };
    },
  };
}
