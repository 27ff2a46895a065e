/**
 * The files `detect` and `parse` arguments name, by the rule `run` uses for `source.paths`
 * (services/ingest/glob.ts): a file, a directory read recursively, or a glob. What the files hold
 * (gzip by its bytes; other compressions, archives and binary files refused) is read-lines.ts's
 * rule, the same for every command.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { UsageError } from '../../errors.js';
import { expandGlob } from '../../services/ingest/glob.js';

/** `flag` prefixes messages (`--baseline `), so the user sees which list the argument was in. */
export async function inputFiles(io: CliIo, args: readonly string[], flag = ''): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const files = await expandGlob(arg, io.cwd);
    if (files.length === 0) {
      const isDir = await stat(resolve(io.cwd, arg)).then((s) => s.isDirectory(), () => false);
      throw new UsageError(`${flag}${arg}: ${isDir ? 'a directory with no files in it' : 'no such file'}`);
    }
    for (const f of files) if (!seen.has(f)) {
      seen.add(f);
      out.push(f);
    }
  }
  return out;
}
