/** In-process workers over scripted runs, for the work-queue tests. */
import type { Bus } from '../../src/bus/bus.js';
import type { NatsNames } from '../../src/bus/nats/names.js';
import type { RunRequest } from '../../src/bus/nats/requests.js';
import { startWorker, type StartedRun, type Worker } from '../../src/worker/worker.js';
import { happyRun } from './event-scripts.js';
import { connectNats } from '../../src/bus/nats/connect.js';
import { NATS_URL } from './nats.js';
import { toDraft } from './nats-scripts.js';

/** A scripted run: emits the happy script in a few steps, `gate` may hold it midway. */
export function scriptedStart(opts: { onStart?: (req: RunRequest) => void; gate?: (req: RunRequest) => Promise<void> } = {}) {
  return async (req: RunRequest, bus: Bus): Promise<StartedRun> => {
    opts.onStart?.(req);
    const script = happyRun();
    let cancelled: string | undefined;
    let wake: (() => void) | undefined;
    const result = (async () => {
      const half = Math.floor(script.length / 2);
      for (const e of script.slice(0, half)) bus.emit(toDraft(e));
      await Promise.race([opts.gate?.(req) ?? new Promise((r) => setTimeout(r, 20)), new Promise<void>((r) => (wake = r))]);
      if (cancelled !== undefined) {
        bus.emit({ type: 'run', status: 'cancelled', params: { skipInstall: false, dryRun: false }, exitCode: 1 });
        return { status: 'cancelled' as const, exitCode: 1 };
      }
      for (const e of script.slice(half)) bus.emit(toDraft(e));
      return { status: 'completed' as const, exitCode: 0 };
    })();
    return {
      result,
      cancel(reason = 'cancelled') {
        cancelled = reason;
        wake?.();
      },
    };
  };
}

export async function startTestWorker(
  names: NatsNames,
  start: ReturnType<typeof scriptedStart>,
  opts: { concurrency?: number; graceMs?: number; name?: string; url?: string } = {},
): Promise<{ worker: Worker; logs: string[]; close(): Promise<void> }> {
  // Reconnecting forever, like the worker command's connection.
  const nc = await connectNats({ servers: [opts.url ?? NATS_URL], env: {}, name: opts.name ?? 'w' });
  const logs: string[] = [];
  const worker = await startWorker({
    nc,
    names,
    env: {},
    name: opts.name ?? 'w',
    concurrency: opts.concurrency ?? 1,
    graceMs: opts.graceMs ?? 5000,
    ackWaitMs: 3000,
    start,
    log: (l, m) => logs.push(`${l}: ${m}`),
  });
  return {
    worker,
    logs,
    async close() {
      worker.drain();
      await worker.done;
      await nc.close();
    },
  };
}
