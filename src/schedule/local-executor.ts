/**
 * Runs a tick in this process with the same runtime API as `log-anomaly run` (startRun). Before
 * running: a run.json that says the tick finished means it already ran (skip); then the run
 * directory's O_EXCL lock decides between racing processes (or a tick fired twice).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createBus } from '../bus/bus.js';
import type { BusEvent } from '../bus/events.js';
import type { PipelineSettings } from '../config/settings-types.js';
import type { RunHandle } from '../runtime.js';
import { startRun } from '../runtime.js';
import { readLocalRun } from '../runs/local-runs.js';
import { acquireRunLock } from '../runs/run-lock.js';
import type { TickOutcome } from './scheduler.js';
import { settingsForWindow, type Tick } from './tick.js';

export interface LocalExecutorOptions {
  readonly settings: PipelineSettings;
  readonly dryRun: boolean;
  readonly skipInstall: boolean;
  /** Every event of every run (printer, metrics). */
  readonly onEvent?: (e: BusEvent) => void;
}

export interface LocalExecutor {
  readonly execute: (tick: Tick) => Promise<TickOutcome>;
  /** Cancel the runs in flight (serve's grace period ran out). */
  readonly cancelAll: (reason: string) => void;
}

export function createLocalExecutor(opts: LocalExecutorOptions): LocalExecutor {
  const running = new Set<RunHandle>();
  // A finished record means the tick ran; a crashed one (no record, owner gone) is run again.
  const finished = async (runId: string) => {
    const prior = await readLocalRun(opts.settings.output.dir, runId);
    return prior && ['completed', 'failed', 'cancelled'].includes(prior.status) ? prior.status : undefined;
  };
  return {
    cancelAll(reason) {
      for (const h of running) h.cancel(reason);
    },
    async execute(tick) {
      const runDir = join(opts.settings.output.dir, tick.runId);
      const before = await finished(tick.runId);
      if (before) return { kind: 'exists', status: before };
      await mkdir(runDir, { recursive: true });
      const lock = await acquireRunLock(runDir);
      if (!lock) return { kind: 'exists', status: 'running' };
      try {
        // Checked again under the lock: another process may have finished the tick in between.
        const after = await finished(tick.runId);
        if (after) return { kind: 'exists', status: after };
        const bus = createBus({ runId: tick.runId });
        if (opts.onEvent) bus.events$.subscribe(opts.onEvent);
        const handle = startRun({
          settings: settingsForWindow(opts.settings, tick.window),
          params: { runId: tick.runId, skipInstall: opts.skipInstall, dryRun: opts.dryRun, window: tick.window, schedule: tick.schedule },
          bus,
        });
        running.add(handle);
        try {
          const result = await handle.result;
          return { kind: 'ran', status: result.status };
        } finally {
          running.delete(handle);
          bus.complete();
        }
      } finally {
        await lock.release();
      }
    },
  };
}
