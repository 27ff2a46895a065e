/**
 * `serve --nats`: a tick becomes a run request on the work queue (the message id is the run id,
 * so a tick submitted twice within the dedup window is queued once), and the executor follows the
 * run's events until it ends, so overlap policies hold for remote runs too.
 */
import { lastValueFrom, Subject } from 'rxjs';
import { takeUntil, tap } from 'rxjs/operators';
import type { BusEvent } from '../bus/events.js';
import type { NatsCliContext } from '../bus/nats/cli-support.js';
import { followRunEvents } from '../bus/nats/replay.js';
import { submitRunRequest } from '../bus/nats/requests.js';
import type { TickOutcome } from './scheduler.js';
import type { Tick } from './tick.js';

export interface NatsExecutorOptions {
  readonly ctx: NatsCliContext;
  /** Absolute path of the settings file, as the workers see it. */
  readonly config: string;
  readonly dryRun: boolean;
  readonly skipInstall: boolean;
  readonly onEvent?: (e: BusEvent) => void;
  readonly onWarning?: (msg: string) => void;
}

export interface NatsExecutor {
  readonly execute: (tick: Tick) => Promise<TickOutcome>;
  /** Stop following the runs in flight (serve stopping): they go on on their workers. */
  stopFollowing(): void;
}

export function createNatsExecutor(opts: NatsExecutorOptions): NatsExecutor {
  const { ctx } = opts;
  const leave$ = new Subject<void>();
  const execute = async (tick: Tick): Promise<TickOutcome> => {
    const res = await submitRunRequest(
      ctx.nc,
      ctx.names,
      { runId: tick.runId, skipInstall: opts.skipInstall, dryRun: opts.dryRun, config: opts.config, window: tick.window, schedule: tick.schedule },
      ctx.limits,
    );
    let status = 'unknown';
    await lastValueFrom(
      followRunEvents(ctx.nc, { names: ctx.names, runId: tick.runId, limits: ctx.limits, onWarning: opts.onWarning }).pipe(
        takeUntil(leave$),
        tap((e) => {
          opts.onEvent?.(e);
          if (e.type === 'run' && e.status !== 'started') status = e.status;
        }),
      ),
      { defaultValue: undefined },
    );
    if (status === 'unknown') status = 'left to its worker';
    return res.duplicate ? { kind: 'exists', status } : { kind: 'ran', status };
  };
  return { execute, stopFollowing: () => leave$.next() };
}
