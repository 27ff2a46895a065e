/**
 * The local runs folder (`<output.dir>/<run id>/run.json`) as a list of runs, newest first.
 * Never throws on one bad entry: a run.json that does not parse is `unreadable` (with its path),
 * a folder whose run never wrote its record is `crashed`, or `running`/`running?` while its lock
 * owner lives (here / on another host) or, without a lock, while the folder changed recently.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_RECORD_FILE } from '../runtime/record.js';
import { ownerState, readLockOwner } from './run-lock.js';
import { jsonProblem } from '../util/json-problem.js';
import { errnoCode, messageOf } from '../errors.js';

export type LocalRunStatus = 'completed' | 'failed' | 'cancelled' | 'running' | 'running?' | 'crashed' | 'unreadable';

export interface LocalRun {
  readonly runId: string;
  readonly status: LocalRunStatus;
  readonly startedAt?: string;
  readonly durationMs?: number;
  readonly anomalies?: number;
  readonly reported?: number;
  readonly incidents?: number;
  readonly reportUri?: string;
  readonly schedule?: string;
  readonly window?: { readonly from: string; readonly to: string };
  /** The run directory. */
  readonly path: string;
  /** Why the status is crashed/unreadable. */
  readonly problem?: string;
}

/** A run folder without run.json and no lock counts as in flight while it changed this recently. */
export const RECENT_MS = 10 * 60_000;

const FINAL = new Set(['completed', 'failed', 'cancelled']);

export async function readLocalRun(dir: string, runId: string, now = Date.now()): Promise<LocalRun | undefined> {
  const path = join(dir, runId);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isDirectory()) return undefined;
  const file = join(path, RUN_RECORD_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') return { runId, status: 'unreadable', path, problem: `${file}: ${messageOf(err)}` };
  }
  if (text === undefined) return inFlightOrCrashed(runId, path, st.mtime, undefined, now);
  // run.json as writeRunRecord wrote it, or as a person edited it: each field is checked with
  // typeof (or Array.isArray) before it is used, so `any` stands for "not trusted yet".
  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- see above */
  let rec: Record<string, any>;
  try {
    rec = JSON.parse(text) as Record<string, any>;
    if (!rec || typeof rec !== 'object' || typeof rec.status !== 'string') throw new Error('no status');
  } catch (err) {
    return { runId, status: 'unreadable', path, problem: `${file}: not a run record (${jsonProblem(err)})` };
  }
  const a = rec.summary?.anomalies;
  const base = {
    runId,
    path,
    ...(typeof rec.startedAt === 'string' ? { startedAt: rec.startedAt } : {}),
    ...(typeof rec.durationMs === 'number' ? { durationMs: rec.durationMs } : {}),
    ...(typeof a?.total === 'number' ? { anomalies: a.total, reported: a.reported } : {}),
    ...(Array.isArray(a?.incidents) ? { incidents: a.incidents.length } : {}),
    ...(typeof rec.summary?.reportUri === 'string' ? { reportUri: rec.summary.reportUri } : {}),
    ...(typeof rec.params?.schedule === 'string' ? { schedule: rec.params.schedule } : {}),
    ...(rec.params?.window ? { window: rec.params.window } : {}),
  };
  /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
  if (FINAL.has(rec.status)) return { ...base, status: rec.status as LocalRunStatus };
  // A record that says the run is still going (started/running): believe it only while its owner lives.
  const live = await inFlightOrCrashed(runId, path, st.mtime, base.startedAt, now);
  return { ...live, ...base, status: live.status };
}

async function inFlightOrCrashed(runId: string, path: string, mtime: Date, startedAt: string | undefined, now: number): Promise<LocalRun> {
  const started = startedAt ?? mtime.toISOString();
  const owner = await readLockOwner(path);
  if (owner) {
    const s = ownerState(owner);
    if (s === 'alive') return { runId, path, startedAt: started, status: 'running' };
    if (s === 'elsewhere') return { runId, path, startedAt: started, status: 'running?', problem: `locked by ${owner.host || 'an unknown host'} pid ${owner.pid}` };
    return { runId, path, startedAt: started, status: 'crashed', problem: `its process (pid ${owner.pid}) is gone and it left no ${RUN_RECORD_FILE}` };
  }
  if (now - mtime.getTime() < RECENT_MS) return { runId, path, startedAt: started, status: 'running?', problem: `no ${RUN_RECORD_FILE} yet and no lock: a run started by \`run\` may still be going` };
  return { runId, path, startedAt: started, status: 'crashed', problem: `no ${RUN_RECORD_FILE}: the run stopped before finishing` };
}

export interface ListOptions {
  readonly status?: readonly string[];
  /** Only runs started at or after this time (epoch ms). */
  readonly since?: number;
  readonly limit?: number;
  readonly now?: number;
}

/** Entries that are not runs: dot folders (state, caches) and the default local upload folder. */
const NOT_RUNS = (name: string) => name.startsWith('.') || name === 'uploads';

export async function listLocalRuns(dir: string, opts: ListOptions = {}): Promise<LocalRun[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !NOT_RUNS(d.name)).map((d) => d.name);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const now = opts.now ?? Date.now();
  const runs = (await Promise.all(names.map((n) => readLocalRun(dir, n, now)))).filter((r): r is LocalRun => r !== undefined);
  return filterRuns(sortNewestFirst(runs), opts);
}

export function sortNewestFirst<T extends { startedAt?: string; runId: string }>(runs: readonly T[]): T[] {
  return [...runs].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || b.runId.localeCompare(a.runId));
}

export function filterRuns<T extends { status: string; startedAt?: string }>(runs: readonly T[], opts: ListOptions): T[] {
  return runs
    .filter((r) => !opts.status?.length || opts.status.includes(r.status))
    .filter((r) => opts.since === undefined || (r.startedAt !== undefined && Date.parse(r.startedAt) >= opts.since))
    .slice(0, opts.limit ?? Infinity);
}
