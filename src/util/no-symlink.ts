/**
 * Output folders (runs, uploads, email previews) are never symbolic links: a link planted where a
 * run writes would send reports, events and emails somewhere else (another user's folder, a web
 * root). lstat, not stat, so the link itself is seen; a folder that does not exist yet is fine.
 */
import { lstatSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { ErrorCode, PipelineError, errnoCode, messageOf } from '../errors.js';

export async function refuseSymlink(path: string, what: string): Promise<void> {
  let isLink = false;
  try {
    isLink = (await lstat(path)).isSymbolicLink();
  } catch (err) {
    checkFailed(err, path, what);
  }
  if (isLink) throw linked(path, what);
}

/** The same, for callers that must refuse before anything async starts (startRun). */
export function refuseSymlinkSync(path: string, what: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch (err) {
    checkFailed(err, path, what);
  }
  if (isLink) throw linked(path, what);
}

function checkFailed(err: unknown, path: string, what: string): void {
  if (errnoCode(err) === 'ENOENT') return;
  throw new PipelineError(ErrorCode.IO, `cannot check the ${what} ${path}: ${messageOf(err)}`, { cause: err });
}

function linked(path: string, what: string): PipelineError {
  return new PipelineError(ErrorCode.INPUT_INVALID, `the ${what} ${path} is a symbolic link; refusing to write through it (use the real folder)`, {
    retryable: false,
    details: { path },
  });
}
