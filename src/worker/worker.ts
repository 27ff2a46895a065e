/**
 * The worker loop (Prefect's worker model on JetStream): pull one request at a time through the
 * shared durable consumer while a slot is free, run it, keep it alive with in-progress acks,
 * ack it once the run has finished. drain() stops pulling; runs still going after the grace
 * period are cancelled (they end `cancelled`, a final state, and are acked).
 */
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createBus, type Bus } from '../bus/bus.js';
import type { BusEvent } from '../bus/events.js';
import type { NatsSettings } from '../config/settings-types.js';
import type { RunResult, Services } from '../contracts.js';
import { ErrorCode, PipelineError, toErrorInfo, messageOf } from '../errors.js';
import type { NatsNames } from '../bus/nats/names.js';
import { attachNatsPublisher } from '../bus/nats/publish.js';
import { parseRunRequest, type RunRequest } from '../bus/nats/requests.js';
import { isFinalStatus, type RunRecord } from '../bus/nats/run-record.js';
import { ensureRequestStream, openNotifiedKv, openRunsKv, type StreamLimits } from '../bus/nats/setup.js';
import { ensureWorkerConsumer } from './consumer.js';
import { guardNotifications, guardWebhooks } from './notify-guard.js';

export interface StartedRun {
  readonly result: Promise<Pick<RunResult, 'status' | 'exitCode'>>;
  cancel(reason?: string): void;
}

/** Starts one run; throws when it cannot start (e.g. invalid settings). */
export type StartRunFn = (req: RunRequest, bus: Bus, services: Partial<Services>) => Promise<StartedRun>;

export interface WorkerConfig {
  readonly nc: NatsConnection;
  readonly names: NatsNames;
  readonly limits?: StreamLimits;
  readonly natsSettings?: NatsSettings;
  readonly env: NodeJS.ProcessEnv;
  readonly name: string;
  readonly concurrency: number;
  readonly graceMs: number;
  readonly ackWaitMs: number;
  readonly start: StartRunFn;
  /** The real email service, wrapped with the cross-machine notification guard. */
  readonly sendNotificationEmails?: Services['sendNotificationEmails'];
  /** The real webhook service, wrapped with the same guard (its own key in the bucket). */
  readonly sendWebhooks?: Services['sendWebhooks'];
  readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  readonly onEvent?: (e: BusEvent) => void;
}

export interface Worker {
  /** Resolves when the worker has stopped (after drain()). */
  readonly done: Promise<void>;
  /** Stop taking requests; finish (or, after the grace period, cancel) the current runs. */
  drain(): void;
  /** drain(), and cancel the current runs without waiting for the grace period. */
  cancelNow(): void;
  /** Runs finished (acked) by this worker, in order. */
  readonly finished: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startWorker(cfg: WorkerConfig): Promise<Worker> {
  const jsm = await jetstreamManager(cfg.nc);
  await ensureRequestStream(jsm, cfg.names, cfg.limits);
  await ensureWorkerConsumer(jsm, cfg.names, cfg.ackWaitMs);
  const consumer = await jetstream(cfg.nc).consumers.get(cfg.names.requestStream, cfg.names.workerConsumer);
  const runsKv = await openRunsKv(cfg.nc, cfg.names, cfg.limits);
  const services: Partial<Services> = {};
  if (cfg.sendNotificationEmails) {
    const notified = await openNotifiedKv(cfg.nc, cfg.names, cfg.limits);
    services.sendNotificationEmails = guardNotifications(cfg.sendNotificationEmails, notified, cfg.name);
    if (cfg.sendWebhooks) services.sendWebhooks = guardWebhooks(cfg.sendWebhooks, notified, cfg.name);
  }

  const active = new Map<string, { run?: StartedRun; done: Promise<void> }>();
  const finished: string[] = [];
  let draining = false;
  let wakeSlot: (() => void) | undefined;
  let wakeDrain: (() => void) | undefined;
  const drained = new Promise<void>((r) => (wakeDrain = r));
  let wakeForce: (() => void) | undefined;
  const forced = new Promise<boolean>((r) => (wakeForce = () => r(true)));

  async function finishRequest(m: JsMsg, runId: string, how: 'ack' | 'term'): Promise<void> {
    try {
      if (how === 'ack') await m.ackAck();
      else m.term();
      finished.push(runId);
    } catch (err) {
      cfg.log('warn', `run ${runId}: could not ack the request (${messageOf(err)}); it may be redelivered and will be skipped as finished`);
    }
  }

  async function handle(m: JsMsg, slot: { run?: StartedRun }): Promise<void> {
    let req: RunRequest;
    try {
      req = parseRunRequest(m.data);
    } catch (err) {
      cfg.log('error', `dropping an unreadable request on ${m.subject}: ${messageOf(err)}`);
      m.term();
      return;
    }
    const delivery = m.info.deliveryCount;
    if (delivery > 1) {
      const prev = await runsKv.get(req.runId).then((e) => (e?.operation === 'PUT' ? e.json<RunRecord>() : undefined)).catch(() => undefined);
      if (prev && isFinalStatus(prev.status)) {
        cfg.log('info', `run ${req.runId} already ${prev.status} (its worker stopped before acking); acking`);
        return finishRequest(m, req.runId, 'ack');
      }
    }
    // In-progress acks while the run is healthy: the request is not redelivered under it.
    const heartbeat = setInterval(() => {
      try {
        m.working();
      } catch {
        // Connection closed or draining: nothing to keep alive any more; redelivery is JetStream's call.
      }
    }, Math.max(250, Math.floor(cfg.ackWaitMs / 3)));
    const bus = createBus({ runId: req.runId });
    if (cfg.onEvent) bus.events$.subscribe(cfg.onEvent);
    const publisher = await attachNatsPublisher(bus, { servers: [], connection: cfg.nc, names: cfg.names, settings: cfg.natsSettings, require: false, log: cfg.log, env: cfg.env, by: cfg.name });
    try {
      if (delivery > 1) {
        bus.emit({ type: 'log', level: 'warn', msg: `worker ${cfg.name} resumes run ${req.runId} (delivery ${delivery}): an earlier worker stopped before finishing it` });
      }
      cfg.log('info', `run ${req.runId}: starting (delivery ${delivery})`);
      let result: Pick<RunResult, 'status' | 'exitCode'>;
      try {
        slot.run = await cfg.start(req, bus, services);
        result = await slot.run.result;
      } catch (err) {
        if (err instanceof PipelineError && err.code === ErrorCode.LEASE_HELD) {
          // Another execution holds the run id: not this worker's to finish or to fail. Back to the queue.
          cfg.log('info', `run ${req.runId}: ${err.message}; leaving it to that execution`);
          bus.complete();
          await publisher?.close();
          m.nak(cfg.ackWaitMs);
          return;
        }
        // The run could not start (bad settings on this worker): a final event, so waiters exit.
        const error = toErrorInfo(err);
        bus.emit({ type: 'run', status: 'failed', params: { skipInstall: req.skipInstall, dryRun: req.dryRun, configFile: req.config }, exitCode: 2, error });
        result = { status: 'failed', exitCode: 2 };
      }
      cfg.log('info', `run ${req.runId}: ${result.status} (exit ${result.exitCode})`);
      bus.complete();
      await publisher?.close();
      await finishRequest(m, req.runId, 'ack');
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function pullLoop(): Promise<void> {
    while (!draining) {
      if (active.size >= cfg.concurrency) {
        await new Promise<void>((r) => (wakeSlot = r));
        continue;
      }
      let m: JsMsg | null;
      try {
        m = await consumer.next({ expires: 2000 });
      } catch (err) {
        if (draining) break;
        cfg.log('warn', `pulling requests failed (${messageOf(err)}); retrying`);
        await sleep(1000);
        continue;
      }
      if (!m) continue;
      if (draining) {
        m.nak(); // straight back to the queue for another worker
        break;
      }
      const key = `${m.info.streamSequence}`;
      const slot: { run?: StartedRun; done: Promise<void> } = { done: Promise.resolve() };
      slot.done = handle(m, slot)
        .catch((err: unknown) => cfg.log('error', `request ${key}: ${messageOf(err)}`))
        .finally(() => {
          active.delete(key);
          wakeSlot?.();
        });
      active.set(key, slot);
    }
  }

  const done = (async () => {
    const loop = pullLoop();
    await Promise.race([loop, drained]);
    draining = true;
    wakeSlot?.();
    if (active.size > 0) {
      cfg.log('info', `draining: waiting up to ${Math.round(cfg.graceMs / 1000)}s for ${active.size} run(s)`);
      const all = Promise.all([...active.values()].map((s) => s.done));
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), cfg.graceMs)));
      const timedOut = await Promise.race([all.then(() => false), grace, forced]);
      clearTimeout(timer);
      if (timedOut) {
        for (const s of active.values()) s.run?.cancel('worker shutting down (grace period over)');
        await all;
      }
    }
    await loop; // a pull still in flight hands its request back (nak)
  })();

  const drain = () => {
    if (draining) return;
    draining = true;
    wakeDrain?.();
    wakeSlot?.();
  };
  return {
    done,
    drain,
    cancelNow() {
      drain();
      wakeForce?.();
    },
    finished,
  };
}
