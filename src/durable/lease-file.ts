/**
 * The local lease: runs/<run_id>/lease.json, created with O_EXCL so exactly one process wins, and
 * rewritten (atomically) on every heartbeat. Taking over a stale lease goes through a second
 * O_EXCL file (`lease.json.takeover`) so two processes that both find it stale cannot both win.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startHeartbeat } from './heartbeat.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { DEFAULT_LEASE_INTERVAL_MS, LeaseHeldError, MISSED_BEATS, newLeaseInfo, staleReason, type Lease, type LeaseInfo, type LeaseOptions } from './lease.js';
import { errnoCode, messageOf } from '../errors.js';

export const LEASE_FILE = 'lease.json';

async function createExclusive(file: string, body: string): Promise<boolean> {
  try {
    const fh = await open(file, 'wx');
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
}

async function readLease(file: string): Promise<LeaseInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LeaseInfo;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    // A lease file cut short (disk full, a crash inside the very first write): nobody can hold it.
    if (err instanceof SyntaxError) return { v: 1, runId: '?', pid: -1, host: '?', startedAt: new Date(0).toISOString(), heartbeatAt: new Date(0).toISOString(), intervalMs: 1, token: '' };
    throw err;
  }
}

export async function acquireFileLease(runDir: string, o: LeaseOptions): Promise<Lease> {
  const now = o.now ?? Date.now;
  const intervalMs = o.intervalMs ?? DEFAULT_LEASE_INTERVAL_MS;
  const file = join(runDir, LEASE_FILE);
  const info = newLeaseInfo(o.runId, intervalMs, now());
  const body = JSON.stringify(info, null, 2) + '\n';
  let takenOver: LeaseInfo | undefined;
  if (!(await createExclusive(file, body))) {
    const held = await readLease(file);
    if (held && !staleReason(held, now())) throw new LeaseHeldError({ ...held, runId: o.runId });
    const guard = `${file}.takeover`;
    if (!(await createExclusive(guard, String(process.pid)))) {
      // Someone else is taking it over right now; a guard left by a takeover that died is dropped.
      const age = now() - (await stat(guard).then((st) => st.mtimeMs).catch(() => 0));
      if (age <= MISSED_BEATS * intervalMs) throw new LeaseHeldError({ ...(held ?? info), runId: o.runId });
      await rm(guard, { force: true });
      return acquireFileLease(runDir, o);
    }
    try {
      const again = await readLease(file);
      if (again && again.token !== held?.token && !staleReason(again, now())) throw new LeaseHeldError({ ...again, runId: o.runId });
      await rm(file, { force: true });
      if (!(await createExclusive(file, body))) throw new LeaseHeldError({ ...((await readLease(file)) ?? info), runId: o.runId });
      takenOver = again ?? held;
    } finally {
      await rm(guard, { force: true });
    }
  }

  let current = info;
  let released = false;
  let lost = false;
  const beat = async () => {
    if (lost) return;
    const on = await readLease(file);
    if (on?.token !== info.token) {
      lost = true;
      o.onWarn?.(`lease of run ${o.runId} was taken by pid ${on?.pid ?? '?'} on ${on?.host ?? '?'}; this execution no longer holds it`);
      return;
    }
    current = { ...current, heartbeatAt: new Date(now()).toISOString() };
    await writeJsonAtomic(file, current);
  };
  const heartbeat = startHeartbeat(intervalMs, beat, (err) => o.onWarn?.(`lease heartbeat failed: ${messageOf(err)}`));
  return {
    info,
    ...(takenOver ? { takenOver } : {}),
    async release() {
      if (released) return;
      released = true;
      await heartbeat.stop();
      const on = await readLease(file).catch(() => undefined);
      if (on?.token === info.token) await rm(file, { force: true });
    },
  };
}
