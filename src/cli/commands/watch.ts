/**
 * `log-anomaly watch [RUN_ID] [--all] [--json] [--tui]`: a run's history from JetStream, then its
 * live events, printed exactly like a local headless run; exits with the run's exit code.
 * Without RUN_ID it follows the next run that starts; `--all` follows every run until Ctrl-C.
 * A run whose execution died and was not taken over ends as `crashed` (exit 1) when its lease goes stale.
 */
import type { Observable } from 'rxjs';
import { exitCodeFor, isFinalRunEvent, type BusEvent } from '../../bus/events.js';
import { checkRunId, loadOptionalSettings, openNatsForCli, type NatsCliContext } from '../../bus/nats/cli-support.js';
import { lastStoredEvent } from '../../bus/nats/history.js';
import { followRunEvents } from '../../bus/nats/replay.js';
import { openLivenessProbe } from '../../bus/nats/run-liveness.js';
import { leaseIntervalFrom } from '../../durable/lease.js';
import { ErrorCode, PipelineError, UsageError } from '../../errors.js';
import { formatEventLine } from '../format-event.js';
import type { CliIo } from '../io.js';

/** What commander hands the action (program.ts declares the flags). */
export interface WatchOptions { runId?: string; wait?: boolean; all?: boolean; json?: boolean; tui?: boolean; nats?: string; config?: string }

/** Exit code when watching stopped (Ctrl-C) before the run reached a final state. */
export const INTERRUPTED = 130;

export function printEvent(io: Pick<CliIo, 'stdout'>, e: BusEvent, json: boolean | undefined): void {
  if (json) {
    io.stdout.write(JSON.stringify(e) + '\n');
    return;
  }
  const line = formatEventLine(e);
  if (line !== undefined) io.stdout.write(line + '\n');
}

/** Prints (or shows in the TUI) until the run's final event; resolves to its exit code. */
export async function showRemoteRun(events$: Observable<BusEvent>, opts: { json?: boolean; tui?: boolean }, io: CliIo): Promise<number> {
  let code: number | undefined;
  const track = (e: BusEvent) => {
    if (isFinalRunEvent(e)) code = e.exitCode ?? exitCodeFor(e.status, e.error);
  };
  if (opts.tui) {
    const { renderRunTui } = await import('../../tui/render.js');
    const { tap } = await import('rxjs');
    await renderRunTui({
      events$: events$.pipe(tap(track)),
      mode: 'remote',
      onCancel: () => {},
      // Ink takes the process's streams; io holds them (tests hand in fakes with the same surface).
      /* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- see above */
      stdout: io.stdout as NodeJS.WriteStream,
      stdin: io.stdin as NodeJS.ReadStream,
      stderr: io.stderr as NodeJS.WriteStream,
      /* eslint-enable @typescript-eslint/no-unsafe-class-instance-assignment */
    });
    return code ?? INTERRUPTED;
  }
  await new Promise<void>((resolve, reject) => {
    const sub = events$.subscribe({
      next: (e) => {
        track(e);
        printEvent(io, e, opts.json);
      },
      complete: resolve,
      error: reject,
    });
    const stop = () => {
      off();
      sub.unsubscribe();
      resolve();
    };
    const off = io.onSignal(stop);
    // `watch | head`: a closed pipe ends watching quietly, like Ctrl-C.
    io.stdout.once?.('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? stop() : reject(err)));
  });
  return code ?? INTERRUPTED;
}

export async function watch(opts: WatchOptions, io: CliIo): Promise<number> {
  if (opts.runId !== undefined) checkRunId(opts.runId);
  if (opts.all && opts.runId !== undefined) throw new UsageError('watch: give a RUN_ID or --all, not both');
  if (opts.all && opts.tui) throw new UsageError('watch: --tui shows one run; drop --all or --tui');
  if (opts.json && opts.tui) throw new UsageError('watch: --json and --tui exclude each other');
  const settings = await loadOptionalSettings(opts.config, io);
  const ctx = await openNatsForCli({ nats: opts.nats, settings, name: 'log-anomaly watch' }, io);
  try {
    if (opts.runId !== undefined && !opts.wait) await requireKnownRun(ctx, opts.runId);
    const what = opts.runId !== undefined ? `run ${opts.runId}` : opts.all ? 'every run' : 'the next run to start';
    if (!opts.tui) io.stderr.write(`log-anomaly: watching ${what} on ${ctx.where} (Ctrl-C stops watching)\n`);
    const events$ = followRunEvents(ctx.nc, {
      names: ctx.names,
      runId: opts.runId,
      all: opts.all,
      limits: ctx.limits,
      onWarning: (m) => io.stderr.write(`log-anomaly: warn: ${m}\n`),
      // A run whose process died (SIGKILL, a lost machine) ends with `crashed` once its lease is stale.
      liveness: opts.all ? undefined : await openLivenessProbe(ctx.nc, ctx.names.prefix),
      livenessEveryMs: livenessEveryMs(io.env),
    });
    const code = await showRemoteRun(events$, opts, io);
    return opts.all && code === INTERRUPTED ? 0 : code;
  } finally {
    await ctx.nc.close().catch(() => undefined);
  }
}

/** Asked as often as leases beat (LOG_ANOMALY_LEASE_INTERVAL_MS shortens both in tests), at most every second. */
function livenessEveryMs(env: NodeJS.ProcessEnv): number {
  return Math.min(1000, leaseIntervalFrom(env));
}

/**
 * A mistyped run id would otherwise wait forever for events that never come. Only a run the
 * event stream has never seen is unknown; `--wait` is for a run that has not started yet.
 */
async function requireKnownRun(ctx: NatsCliContext, runId: string): Promise<void> {
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const last = await lastStoredEvent(await jetstreamManager(ctx.nc), ctx.names, runId);
  if (last === undefined) {
    throw new PipelineError(ErrorCode.NOT_FOUND, `no such run: ${runId} (no events on ${ctx.where}); --wait waits for it to start`);
  }
}
