/**
 * What a `source.paths` entry (or a `detect` / `parse` argument) names: a file; a directory, read
 * recursively for the files matching `include` (default: every file, hidden ones too, so nothing
 * in it is passed over unseen); or a glob (`*`, `?`, `**`, `{a,b}`, by tinyglobby). Relative
 * entries resolve from `baseDir`. Results are sorted and unique. A directory that cannot be listed
 * (permissions) is an error naming it, never an empty match.
 */
import { readdir, stat } from 'node:fs/promises';
import { readdir as readdirCb } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, PipelineError, errnoCode, messageOf } from '../../errors.js';

/** Inside a directory: every file at any depth. */
export const ALL_FILES: readonly string[] = ['**/*'];

// tinyglobby (with picomatch and fdir) is loaded only for a glob or a directory: `detect FILE`
// on a plain file never needs it, and it is a tenth of that command's start-up.
const tinyglobby = () => import('tinyglobby');

/**
 * Without one of these characters picomatch's scan (behind tinyglobby's isDynamicPattern) finds
 * no glob: `*`, `?`, `[...]`, `{a,b}` and `{1..3}`, extglobs `@(...)` `+(...)` `!(...)`, a leading `!`.
 */
const GLOB_CHARS = /[*?[{(!]/;

export async function hasGlob(pattern: string): Promise<boolean> {
  return GLOB_CHARS.test(pattern) && (await tinyglobby()).isDynamicPattern(pattern);
}

function unreadable(path: string, err: unknown): PipelineError {
  const code = errnoCode(err);
  return new PipelineError(ErrorCode.IO, `cannot list ${path}: ${code ?? messageOf(err)}${code === 'EACCES' ? ' (permission denied)' : ''}`, { cause: err, details: { path } });
}

/**
 * tinyglobby (through fdir) skips directories it cannot read; this readdir remembers them so the
 * caller can fail naming the first one. A directory that vanished mid-walk is not an error.
 */
function recordingFs(failures: { path: string; err: NodeJS.ErrnoException }[]) {
  const wrapped = (path: string, options: { withFileTypes: true }, cb: (err: NodeJS.ErrnoException | null, entries?: unknown[]) => void) =>
    readdirCb(path, options, (err, entries) => {
      if (err && err.code !== 'ENOENT') failures.push({ path, err });
      cb(err, entries);
    });
  // the adapter's type wants every readdir overload; fdir calls only this one
  return { readdir: wrapped as unknown as typeof readdirCb };
}

async function globIn(cwd: string, patterns: readonly string[], dot: boolean): Promise<string[]> {
  const failures: { path: string; err: NodeJS.ErrnoException }[] = [];
  const { glob } = await tinyglobby();
  const found = await glob([...patterns], { cwd, absolute: true, onlyFiles: true, dot, expandDirectories: false, followSymbolicLinks: true, fs: recordingFs(failures) });
  // fdir hands directories over with a trailing slash
  if (failures.length > 0) throw unreadable(failures[0].path.replace(/(.)\/+$/, '$1'), failures[0].err);
  return found;
}

/** Files one entry names (empty when nothing matches). */
export async function expandGlob(pattern: string, baseDir: string, include: readonly string[] = ALL_FILES): Promise<string[]> {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!(await hasGlob(pattern))) {
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw unreadable(abs, err);
    }
    if (!st.isDirectory()) return [abs];
    // listed once directly: a directory we may not read fails here with its own name
    await readdir(abs).catch((err: unknown) => {
      throw unreadable(abs, err);
    });
    return (await globIn(abs, include, true)).sort();
  }
  const cwd = isAbsolute(pattern) ? '/' : baseDir;
  const rel = isAbsolute(pattern) ? pattern.slice(1) : pattern;
  return (await globIn(cwd, [rel], false)).sort();
}
