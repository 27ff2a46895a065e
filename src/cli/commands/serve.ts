/**
 * `log-anomaly serve [--config F] [--nats URL] [--metrics-port N]`: runs the settings' schedules.
 * Without NATS each tick runs in this process (the same startRun as `run`); with --nats it is
 * queued for workers and followed until it ends. SIGINT/SIGTERM stop firing ticks, let the run in
 * flight finish for --grace-seconds, then cancel it (with --nats: stop following it; its worker
 * goes on); a second signal does that at once. Exit 0.
 */
import { resolve } from 'node:path';
import { Subject } from 'rxjs';
import type { BusEvent } from '../../bus/events.js';
import { loadSettings } from '../../config/settings.js';
import { UsageError, messageOf } from '../../errors.js';
import { createRunMetrics } from '../../metrics/run-metrics.js';
import { startMetricsServer, type MetricsServer } from '../../metrics/server.js';
import { createScheduler, type SchedulerEvent, type TickOutcome } from '../../schedule/scheduler.js';
import { loadScheduleState, stateFile } from '../../schedule/state.js';
import type { Tick } from '../../schedule/tick.js';
import { sanitizeForTerminal as clean } from '../../util/sanitize.js';
import { formatEventLine } from '../format-event.js';
import type { CliIo } from '../io.js';
import { applyOverrides } from './run.js';

/** What commander hands the action (program.ts declares the flags). */
export interface ServeOptions { config?: string; nats?: string; dryRun?: boolean; skipInstall?: boolean; outDir?: string; metricsPort?: number; metricsHost?: string; graceSeconds?: number }

function describe(e: SchedulerEvent): string | undefined {
  switch (e.type) {
    case 'armed':
      return `schedule ${e.schedule}: next tick ${e.next.toISOString()}`;
    case 'fired':
      return `schedule ${e.tick.schedule}: tick ${e.tick.at.toISOString()} -> run ${e.tick.runId}${e.tick.catchup ? ' (catch-up)' : ''}, window ${e.tick.window.from} .. ${e.tick.window.to}`;
    case 'queued':
      return `schedule ${e.tick.schedule}: tick ${e.tick.at.toISOString()} queued behind the run in flight (overlap: queue)`;
    case 'skipped':
      return `schedule ${e.tick.schedule}: tick ${e.tick.at.toISOString()} skipped (${e.reason === 'overlap' ? 'the previous run still goes; overlap: skip' : e.reason === 'duplicate' ? 'already fired' : 'serve is stopping'})`;
    case 'done':
      return `schedule ${e.tick.schedule}: run ${e.tick.runId} ${e.outcome.kind === 'exists' ? `not started: it already ran or runs elsewhere (${e.outcome.status})` : e.outcome.status}`;
    case 'error':
      return `schedule ${e.tick.schedule}: run ${e.tick.runId} could not start: ${clean(e.error.message)}`;
  }
}

export async function serve(opts: ServeOptions, io: CliIo): Promise<number> {
  const settings = applyOverrides(await loadSettings(opts.config, { cwd: io.cwd, env: io.env }), { outDir: opts.outDir });
  const schedules = settings.schedules ?? [];
  if (schedules.length === 0) throw new UsageError(`${opts.config ?? settings.file}: no schedules: add a \`schedules:\` list (see docs/configuration.md)`);
  const say = (line: string) => io.stdout.write(line + '\n');
  const metrics = createRunMetrics();
  const all = new Subject<BusEvent>();
  const onEvent = (e: BusEvent) => {
    metrics.observe(e);
    all.next(e);
    const line = formatEventLine(e);
    if (line !== undefined) say(`[${e.runId}] ${line}`);
  };

  const useNats = !!(opts.nats || io.env.NATS_URL || settings.nats);
  let execute: (t: Tick) => Promise<TickOutcome>;
  let cancelAll: (reason: string) => void = () => {};
  let close: () => Promise<void> = async () => {};
  if (useNats) {
    const { openNatsForCli } = await import('../../bus/nats/cli-support.js');
    const { createNatsExecutor } = await import('../../schedule/nats-executor.js');
    const ctx = await openNatsForCli({ nats: opts.nats, settings, name: 'log-anomaly serve' }, io);
    const ex = createNatsExecutor({
      ctx,
      config: resolve(settings.file),
      dryRun: !!opts.dryRun,
      skipInstall: !!opts.skipInstall,
      onEvent,
      onWarning: (m) => io.stderr.write(`log-anomaly serve: warn: ${m}\n`),
    });
    execute = ex.execute;
    // Remote runs belong to their workers: after the grace period serve stops following them, never cancels them.
    cancelAll = () => ex.stopFollowing();
    close = () => ctx.nc.close().catch(() => undefined);
    say(`log-anomaly serve: submitting scheduled runs to workers on ${ctx.where}`);
  } else {
    const { createLocalExecutor } = await import('../../schedule/local-executor.js');
    const ex = createLocalExecutor({ settings, dryRun: !!opts.dryRun, skipInstall: !!opts.skipInstall, onEvent });
    execute = ex.execute;
    cancelAll = ex.cancelAll;
  }

  let server: MetricsServer | undefined;
  if (opts.metricsPort !== undefined) {
    const { createRunsApi } = await import('../../api/runs-api.js');
    const extra = createRunsApi({ runsDir: settings.output.dir, events$: all.asObservable() });
    try {
      server = await startMetricsServer(metrics.registry, { port: opts.metricsPort, host: opts.metricsHost, extra });
    } catch (err) {
      await close();
      throw new UsageError(`--metrics-port ${opts.metricsPort}: cannot listen on ${opts.metricsHost ?? '127.0.0.1'}: ${messageOf(err)}`, { cause: err });
    }
    say(`log-anomaly serve: metrics on ${server.url} (run data under /api/runs, live events at /api/events)`);
  }

  const state = await loadScheduleState(stateFile(settings.output.dir));
  const scheduler = createScheduler({
    schedules,
    execute,
    state,
    onEvent: (e) => {
      const line = describe(e);
      if (line) say(line);
    },
  });

  let stopOff: () => void = () => {};
  const stopped = new Promise<string>((resolveStop) => {
    let signals = 0;
    const off = io.onSignal((sig) => {
      signals += 1;
      if (signals === 1) {
        say(`log-anomaly serve: ${sig}: no more ticks; waiting up to ${opts.graceSeconds ?? 30}s for the run in flight (again to cancel it now)`);
        resolveStop(sig);
      } else {
        cancelAll(`${sig} received twice`);
      }
    });
    stopOff = off;
  });
  scheduler.start();
  say(`log-anomaly serve: ${schedules.length} schedule(s) from ${settings.file}; runs in ${settings.output.dir}`);

  const sig = await stopped;
  const draining = scheduler.stop();
  const grace = setTimeout(() => {
    say(`log-anomaly serve: grace period over: cancelling the run in flight`);
    cancelAll(`${sig}: serve stopped`);
  }, (opts.graceSeconds ?? 30) * 1000);
  try {
    await draining;
  } finally {
    clearTimeout(grace);
    stopOff();
    await server?.close();
    await close();
  }
  say('log-anomaly serve: stopped');
  return 0;
}
