/**
 * `run --nats`: every bus event goes to the JetStream event stream as it happens, and the run's
 * latest status to the runs KV bucket. NATS never stops a run: unreachable at start means a
 * warning and an in-process-only run (unless required); outages mid-run are buffered and sent
 * again on reconnect (deduplicated by `<runId>-<seq>`); close() flushes before the process exits.
 */
import { hostname } from 'node:os';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Bus } from '../bus.js';
import type { NatsSettings } from '../../config/settings-types.js';
import { ErrorCode, PipelineError, messageOf } from '../../errors.js';
import { connectNats, redactServers, resolveNatsServers } from './connect.js';
import { createEventPublisher, type EventPublisher } from './event-publisher.js';
import { lastStoredEvent } from './history.js';
import { natsNames, type NatsNames } from './names.js';
import type { RunRecord } from './run-record.js';
import { DEFAULT_LIMITS, ensureEventStream, openRunsKv } from './setup.js';

export { resolveNatsServers };

export type NatsLog = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface AttachNatsOptions {
  readonly servers: string[];
  readonly settings?: NatsSettings;
  /** Throw a PipelineError (NETWORK) instead of warning when NATS is unreachable at start. */
  readonly require: boolean;
  readonly log: NatsLog;
  readonly env: NodeJS.ProcessEnv;
  /** Who publishes, kept in the runs bucket (default: the host name). */
  readonly by?: string;
  /** How long close() waits for buffered events when NATS is down (default 30 s). */
  readonly flushTimeoutMs?: number;
  /** Names to use instead of those derived from settings.prefix (a worker's own). */
  readonly names?: NatsNames;
  /** Reuse a connection (a worker's); it is not closed by the handle. */
  readonly connection?: NatsConnection;
}

export interface NatsPublisherHandle {
  /** Flushes everything buffered (bounded by flushTimeoutMs), then closes the connection. */
  close(): Promise<void>;
  stats(): ReturnType<EventPublisher['stats']>;
  /** The connection and names in use (the run's NATS lease lives beside its events). */
  readonly connection: NatsConnection;
  readonly names: NatsNames;
}

export async function attachNatsPublisher(bus: Bus, opts: AttachNatsOptions): Promise<NatsPublisherHandle | null> {
  const names = opts.names ?? natsNames(opts.settings?.prefix);
  const limits = opts.settings?.stream ?? DEFAULT_LIMITS;
  const where = redactServers(opts.servers);
  let nc: NatsConnection | undefined = opts.connection;
  let publisher: EventPublisher;
  try {
    nc ??= await connectNats({ servers: opts.servers, settings: opts.settings, env: opts.env, name: `log-anomaly run ${bus.runId}` });
    const jsm = await jetstreamManager(nc);
    await ensureEventStream(jsm, names, limits);
    const kv = await openRunsKv(nc, names, limits);
    const last = await lastStoredEvent(jsm, names, bus.runId);
    const prev = await kv.get(bus.runId).then((e) => (e && e.operation === 'PUT' ? e.json<RunRecord>() : undefined));
    publisher = createEventPublisher({
      js: jetstream(nc),
      kv,
      names,
      seqOffset: last?.seq ?? 0,
      record: prev,
      by: opts.by ?? hostname(),
      log: opts.log,
    });
    if (last) opts.log('info', `run ${bus.runId} already has ${last.seq} event(s) on NATS; this execution continues from seq ${last.seq + 1}`);
  } catch (err) {
    if (nc && !opts.connection) await nc.close().catch(() => undefined);
    const why = messageOf(err);
    if (err instanceof PipelineError && err.code !== ErrorCode.NETWORK) throw err; // bad settings: exit 2
    if (opts.require) throw new PipelineError(ErrorCode.NETWORK, `NATS required but unavailable at ${where}: ${why}`, { cause: err });
    opts.log('warn', `NATS unavailable at ${where} (${why}); running in-process only (use --require-nats to fail instead)`);
    return null;
  }

  const sub = bus.events$.subscribe({ next: (e) => publisher.push(e) });
  const conn = nc;
  return {
    async close() {
      sub.unsubscribe();
      const flushed = await publisher.flush(opts.flushTimeoutMs ?? 30_000);
      if (!flushed) opts.log('warn', `NATS: ${publisher.stats().pending} event(s) could not be delivered before exit`);
      publisher.stop();
      if (!opts.connection) await conn.drain().catch(() => conn.close());
    },
    stats: () => publisher.stats(),
    connection: conn,
    names,
  };
}
