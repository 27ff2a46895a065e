/**
 * What a run keeps on disk so a later execution can resume it: under runs/<run_id>/state/, the
 * settings hash it started with, each finished step's output (one file per step), and the root
 * machine's persisted snapshot (for people and tools; resuming uses the step outputs, because a
 * snapshot taken mid-step holds invoked children that cannot be restored half-way through).
 * Every file is written atomically, so a kill leaves either the old file or the new one.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PipelineError, UsageError, errnoCode } from '../errors.js';
import type { StepOutputs } from '../machines/index.js';
import { isAtomicTempName, writeJsonAtomic } from '../util/atomic-write.js';
import { jsonProblem } from '../util/json-problem.js';

export const STATE_DIR = 'state';
const STATE_FILE = 'run-state.json';
const SNAPSHOT_FILE = 'snapshot.json';
const STEPS_DIR = 'steps';

export interface RunState {
  readonly v: 1;
  readonly runId: string;
  readonly settingsHash: string;
  readonly startedAt: string;
  readonly executions: number;
}

/** The hash a resume must match: settings as loaded (after CLI overrides) plus the run flags. */
export function settingsHash(settings: unknown, flags: { skipInstall: boolean; dryRun: boolean }): string {
  return createHash('sha256').update(stableJson({ settings, flags })).digest('hex').slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined && typeof o[k] !== 'function').map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new PipelineError(ErrorCode.IO, `cannot read ${file}: ${jsonProblem(err)}`, { cause: err });
  }
}

export async function readRunState(runDir: string): Promise<RunState | undefined> {
  return readJson<RunState>(join(runDir, STATE_DIR, STATE_FILE));
}

export async function writeRunState(runDir: string, s: RunState): Promise<void> {
  await writeJsonAtomic(join(runDir, STATE_DIR, STATE_FILE), s);
}

/** Outputs of every step an earlier execution finished, keyed by original step name. */
export async function readStepOutputs(runDir: string): Promise<StepOutputs> {
  const dir = join(runDir, STATE_DIR, STEPS_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return {};
    throw err;
  }
  const out: Record<string, unknown> = {};
  for (const n of names.filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort()) {
    const v = await readJson<{ step: string; output: unknown }>(join(dir, n));
    if (v && v.output !== undefined) out[v.step] = v.output;
  }
  return out;
}

export async function writeStepOutput(runDir: string, step: string, output: unknown): Promise<void> {
  await writeJsonAtomic(join(runDir, STATE_DIR, STEPS_DIR, `${step}.json`), { v: 1, step, savedAt: new Date().toISOString(), output });
}

export async function writeSnapshot(runDir: string, snapshot: unknown): Promise<void> {
  await writeJsonAtomic(join(runDir, STATE_DIR, SNAPSHOT_FILE), snapshot);
}

/** Where file ingestion keeps its mid-ingest checkpoint (services/ingest/file-checkpoint.ts). */
const INGEST_DIR = 'ingest';

/** Forgets every saved step and ingest checkpoint (a fresh, non-resumed execution of a run id starts from nothing). */
export async function clearStepOutputs(runDir: string): Promise<void> {
  await rm(join(runDir, STATE_DIR, STEPS_DIR), { recursive: true, force: true });
  await rm(join(runDir, STATE_DIR, INGEST_DIR), { recursive: true, force: true });
}

/**
 * Removes the temp files atomic writes leave when a process dies between write and rename
 * (`.<name>.<pid>.<hex>.tmp`), anywhere under the run directory. Only called while holding the
 * run's lease, so no live writer owns them. Returns the paths removed.
 */
export async function removeOrphanTemps(runDir: string): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && isAtomicTempName(e.name)) {
        await rm(p, { force: true });
        removed.push(p);
      }
    }
  };
  await walk(runDir);
  return removed;
}

/** A resume is refused (exit 2) when nothing was saved or the settings changed (unless forced). */
export function checkResumable(runId: string, state: RunState | undefined, hash: string, force: boolean): void {
  if (!state) throw new UsageError(`cannot resume run ${runId}: it has no saved state (runs/${runId}/${STATE_DIR}/${STATE_FILE})`);
  if (state.settingsHash !== hash && !force) {
    throw new UsageError(`cannot resume run ${runId}: its settings changed (hash ${state.settingsHash}, now ${hash}); run with the same settings, or add --force to resume anyway`);
  }
}
