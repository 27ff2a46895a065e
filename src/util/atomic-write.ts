/**
 * Artifacts are written to a temp file beside the target and renamed into place, so a crash or a
 * cancel never leaves a file that looks complete. Rename is atomic on one filesystem.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/** Whether a file name is one of this module's temp files (`.<name>.<pid>.<hex>.tmp`): an orphan if its writer died. */
export function isAtomicTempName(name: string): boolean {
  return /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/.test(name);
}

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

/**
 * A stream to a temp file: `commit()` ends it and renames it into place; `abort()` removes it.
 * For large outputs (events.ndjson) that must not be held in memory.
 */
export interface AtomicStream {
  readonly stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function createAtomicStream(target: string): Promise<AtomicStream> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  const stream = createWriteStream(tmp);
  let settled = false;
  return {
    stream,
    async commit() {
      if (settled) return;
      settled = true;
      stream.end();
      await finished(stream);
      await rename(tmp, target);
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await rm(tmp, { force: true });
    },
  };
}
