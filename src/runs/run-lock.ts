/**
 * A lock on one run directory: `<runDir>/.run.lock`, created with O_EXCL and holding the owner's
 * pid and host. `serve` takes it before a scheduled run, so two processes (or one tick firing
 * twice) never run the same run id at once. A lock whose owner died on this host is taken over;
 * one owned by another host is respected (we cannot see its processes).
 */
import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';

export const RUN_LOCK_FILE = '.run.lock';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly at: string;
}

export interface RunLock {
  release(): Promise<void>;
}

/** Whether a process with this pid exists here (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

export async function readLockOwner(runDir: string): Promise<LockOwner | undefined> {
  try {
    const o = JSON.parse(await readFile(join(runDir, RUN_LOCK_FILE), 'utf8')) as Partial<LockOwner>;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- read from disk: `at` is a string only if whoever wrote the file says so
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, at: String(o.at ?? '') } : { pid: -1, host: '', at: '' };
  } catch (err) {
    // A lock being written right now reads as empty: treat it as held by an unknown owner.
    return errnoCode(err) === 'ENOENT' ? undefined : { pid: -1, host: '', at: '' };
  }
}

/** alive: the owner runs here; gone: it died here; elsewhere: another host (or unreadable). */
export function ownerState(o: LockOwner): 'alive' | 'gone' | 'elsewhere' {
  if (o.host !== hostname() || o.pid <= 0) return 'elsewhere';
  return pidAlive(o.pid) ? 'alive' : 'gone';
}

/** The lock, or null when a live owner holds it. The run directory must exist. */
export async function acquireRunLock(runDir: string): Promise<RunLock | null> {
  const file = join(runDir, RUN_LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      await fh.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await rm(file, { force: true });
        },
      };
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
      const owner = await readLockOwner(runDir);
      if (owner && ownerState(owner) !== 'gone') return null;
      // The owner died without releasing: remove its lock and try once more (O_EXCL decides races).
      await rm(file, { force: true });
    }
  }
  return null;
}
