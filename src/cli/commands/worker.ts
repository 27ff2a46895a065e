/**
 * `log-anomaly worker [--concurrency N] [--grace-seconds S]`: takes run requests from the NATS
 * work queue and runs them with this machine's settings (or the settings file a request names).
 * SIGTERM/SIGINT drain: no new requests, current runs finish or are cancelled after the grace
 * period, then exit 0. A second signal cancels the current runs at once.
 */
import { hostname } from 'node:os';
import type { BusEvent } from '../../bus/events.js';
import { openNatsForCli } from '../../bus/nats/cli-support.js';
import { loadSettings } from '../../config/settings.js';
import { DEFAULT_ACK_WAIT_MS } from '../../worker/consumer.js';
import { startWorker } from '../../worker/worker.js';
import { settingsForWindow } from '../../schedule/tick.js';
import { formatEventLine } from '../format-event.js';
import type { CliIo } from '../io.js';

/** What commander hands the action (program.ts declares the flags). */
export interface WorkerOptions { concurrency?: number; nats?: string; config?: string; graceSeconds?: number; ackWaitSeconds?: number; metricsPort?: number; metricsHost?: string }

/**
 * How long an unacknowledged request waits before it goes to another worker (all workers share
 * it): --ack-wait-seconds, else LOG_ANOMALY_ACK_WAIT_SECONDS, else 30 s.
 */
export function ackWaitMs(env: NodeJS.ProcessEnv, flagSeconds?: number): number {
  if (flagSeconds !== undefined) return flagSeconds * 1000;
  const v = Number(env.LOG_ANOMALY_ACK_WAIT_SECONDS);
  return Number.isFinite(v) && v > 0 ? v * 1000 : DEFAULT_ACK_WAIT_MS;
}

export async function worker(opts: WorkerOptions, io: CliIo): Promise<number> {
  const settings = await loadSettings(opts.config, { cwd: io.cwd, env: io.env });
  const ctx = await openNatsForCli({ nats: opts.nats, settings, name: 'log-anomaly worker' }, io);
  const name = `${hostname()}:${process.pid}`;
  const log = (level: string, msg: string) => io.stderr.write(`log-anomaly worker: ${level}: ${msg}\n`);
  const { startRun, openDurableRun, runDirFor, settingsHash, leaseIntervalFrom } = await import('../../runtime.js');
  const { acquireNatsLease, openLeaseKv } = await import('../../durable/lease-nats.js');
  const { readRunState } = await import('../../durable/run-state.js');
  const { sendNotificationEmails } = await import('../../services/send-emails.js');
  const { sendWebhooks } = await import('../../services/send-webhooks.js');
  const concurrency = opts.concurrency ?? 1;
  // /metrics is fed from the same bus events the worker prints; only loaded when asked for.
  const metrics = opts.metricsPort !== undefined ? (await import('../../metrics/run-metrics.js')).createRunMetrics() : undefined;
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- metrics is set only when --metrics-port was given
  const server = metrics ? await (await import('../../metrics/server.js')).startMetricsServer(metrics.registry, { port: opts.metricsPort!, host: opts.metricsHost }) : undefined;
  if (server) log('info', `metrics on ${server.url}`);
  try {
    const w = await startWorker({
      nc: ctx.nc,
      names: ctx.names,
      limits: ctx.limits,
      natsSettings: ctx.natsSettings,
      env: io.env,
      name,
      concurrency,
      graceMs: (opts.graceSeconds ?? 30) * 1000,
      ackWaitMs: ackWaitMs(io.env, opts.ackWaitSeconds),
      sendNotificationEmails,
      sendWebhooks,
      log,
      onEvent: (e: BusEvent) => {
        metrics?.observe(e);
        const line = formatEventLine(e);
        if (line !== undefined) io.stdout.write(`[${e.runId}] ${line}\n`);
      },
      async start(req, bus, services) {
        const loaded = req.config ? await loadSettings(req.config, { cwd: io.cwd, env: io.env }) : settings;
        // A scheduled request carries its tick's window: a CloudWatch source reads exactly that.
        const s = req.window ? settingsForWindow(loaded, req.window) : loaded;
        const sched = { ...(req.window ? { window: req.window } : {}), ...(req.schedule ? { schedule: req.schedule } : {}) };
        const params = { runId: req.runId, skipInstall: req.skipInstall, dryRun: req.dryRun, ...sched };
        const runDir = runDirFor(s, req.runId);
        const hash = settingsHash(s, params);
        // A run an earlier worker left with saved state (redelivered after it died) is resumed the
        // way `run --resume` does it; its leases make sure the earlier worker is really gone.
        const resume = (await readRunState(runDir).catch(() => undefined))?.settingsHash === hash;
        const intervalMs = leaseIntervalFrom(io.env);
        const durable = await openDurableRun({
          runDir,
          runId: req.runId,
          hash,
          resume,
          leaseIntervalMs: intervalMs,
          extraLeases: [async (runId) => acquireNatsLease(await openLeaseKv(ctx.nc, ctx.names.prefix), { runId, intervalMs, onWarn: (m) => log('warn', m) })],
          onWarn: (m) => log('warn', m),
        });
        return startRun({ settings: s, params, bus, services, durable });
      },
    });
    log('info', `${name} taking run requests from ${ctx.names.requestStream} on ${ctx.where} (concurrency ${concurrency})`);
    let signals = 0;
    const off = io.onSignal((sig) => {
      signals += 1;
      if (signals === 1) {
        log('info', `${sig}: draining (again to cancel the current runs now)`);
        w.drain();
      } else {
        log('info', `${sig}: cancelling the current runs`);
        w.cancelNow();
      }
    });
    try {
      await w.done;
    } finally {
      off();
    }
    return 0;
  } finally {
    await server?.close();
    await ctx.nc.drain().catch(() => ctx.nc.close());
  }
}
