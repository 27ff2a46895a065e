/**
 * A durable execution of one run id: holds its lease(s) for the whole execution, tells the runtime
 * which steps an earlier execution finished (on `--resume`), and saves each step's output and the
 * machine snapshot as the run goes. The runtime calls it; the machines never see any of this.
 */
import { mkdir } from 'node:fs/promises';
import type { StepOutputs } from '../machines/index.js';
import { acquireFileLease } from './lease-file.js';
import type { Lease, LeaseInfo } from './lease.js';
import { checkResumable, clearStepOutputs, readRunState, readStepOutputs, removeOrphanTemps, writeRunState, writeSnapshot, writeStepOutput } from './run-state.js';
import { messageOf } from '../errors.js';

export { leaseIntervalFrom, type Lease, type LeaseInfo } from './lease.js';
export { settingsHash } from './run-state.js';

export interface DurableRunOptions {
  readonly runDir: string;
  readonly runId: string;
  /** settingsHash() of the settings and flags this execution runs with. */
  readonly hash: string;
  /** Continue from the steps an earlier execution finished (refused if the settings changed, unless `force`). */
  readonly resume: boolean;
  readonly force?: boolean;
  readonly leaseIntervalMs?: number;
  /** More leases to hold after the local one (the NATS KV lease); each is released on close. */
  readonly extraLeases?: readonly ((runId: string) => Promise<Lease>)[];
  readonly onWarn?: (msg: string) => void;
}

export interface DurableRun {
  /** Outputs of steps already done (empty unless resuming). */
  readonly resumed: StepOutputs;
  /** Holders found dead and replaced by this execution (their execution `crashed`). */
  readonly takenOver: readonly LeaseInfo[];
  /** The leases this execution holds (the local one first). */
  readonly leases: readonly Lease[];
  /** Orphan temp files removed before starting. */
  readonly removedTemps: readonly string[];
  readonly executions: number;
  saveStep(step: string, output: unknown): Promise<void>;
  /** Keeps the latest snapshot; writes are coalesced (one in flight, the newest next). */
  saveSnapshot(snapshot: unknown): void;
  /** Waits for the last snapshot write, then releases the leases. */
  close(): Promise<void>;
}

export async function openDurableRun(o: DurableRunOptions): Promise<DurableRun> {
  await mkdir(o.runDir, { recursive: true });
  const leases: Lease[] = [];
  const release = () => Promise.all(leases.map((l) => l.release().catch(() => undefined)));
  try {
    leases.push(await acquireFileLease(o.runDir, { runId: o.runId, intervalMs: o.leaseIntervalMs, onWarn: o.onWarn }));
    for (const acquire of o.extraLeases ?? []) leases.push(await acquire(o.runId));
    const state = await readRunState(o.runDir);
    if (o.resume) checkResumable(o.runId, state, o.hash, !!o.force);
    else await clearStepOutputs(o.runDir);
    // Holding the lease: no live writer owns a temp file here, so any left are a dead writer's.
    const removedTemps = await removeOrphanTemps(o.runDir);
    const resumed = o.resume ? await readStepOutputs(o.runDir) : {};
    const executions = (o.resume ? (state?.executions ?? 0) : 0) + 1;
    await writeRunState(o.runDir, { v: 1, runId: o.runId, settingsHash: o.hash, startedAt: o.resume && state ? state.startedAt : new Date().toISOString(), executions });
    return durable(o, leases, resumed, removedTemps, executions, release);
  } catch (err) {
    await release();
    throw err;
  }
}

function durable(o: DurableRunOptions, leases: Lease[], resumed: StepOutputs, removedTemps: string[], executions: number, release: () => Promise<unknown>): DurableRun {
  let latest: unknown;
  let dirty = false;
  let writing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      await writeSnapshot(o.runDir, latest).catch((err: unknown) => o.onWarn?.(`could not save the run snapshot: ${messageOf(err)}`));
    }
  };
  return {
    resumed,
    // The local and the NATS lease may both name the same dead execution: report it once.
    takenOver: [...new Map(leases.flatMap((l) => (l.takenOver ? [[`${l.takenOver.host}/${l.takenOver.pid}/${l.takenOver.startedAt}`, l.takenOver] as const] : []))).values()],
    leases,
    removedTemps,
    executions,
    saveStep: (step, output) => writeStepOutput(o.runDir, step, output),
    saveSnapshot(snapshot) {
      latest = snapshot;
      if (dirty) return;
      dirty = true;
      writing = writing.then(flush);
    },
    async close() {
      await writing;
      await release();
    },
  };
}
