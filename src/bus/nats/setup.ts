/**
 * Streams and buckets, created or updated idempotently: any process may be the first to touch a
 * fresh server, and a changed retention setting is applied by the next process that starts.
 * Only nats-server 2.9 features (no subject transforms, no multi-filter consumers, no metadata).
 */
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { NatsSettings } from '../../config/settings-types.js';
import type { NatsNames } from './names.js';
import { messageOf } from '../../errors.js';

export type StreamLimits = NatsSettings['stream'];

export const DEFAULT_LIMITS: StreamLimits = { maxAgeSeconds: 7 * 24 * 3600, maxBytes: 1024 * 1024 * 1024, maxMsgs: 10_000_000 };

/** Dedup window for `<runId>-<seq>` message ids: long enough to cover a NATS outage mid-run. */
const DUPLICATE_WINDOW_MS = 20 * 60_000;

function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; api_error?: { err_code?: number }; message?: string };
  return e?.api_error?.err_code === 10059 || /stream not found/i.test(e?.message ?? '');
}

async function ensureStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    const info = await jsm.streams.info(cfg.name);
    const c = info.config;
    const same = (Object.keys(cfg) as (keyof StreamConfig)[]).every((k) => JSON.stringify(c[k]) === JSON.stringify(cfg[k]));
    if (!same) {
      // storage and retention cannot change on an existing stream; everything else we set can.
      const { storage: _s, retention: _r, ...update } = cfg;
      await jsm.streams.update(cfg.name, update);
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.streams.add(cfg);
    } catch (addErr) {
      // Another process created it between our info and add: that is the idempotent outcome.
      if (!/already in use|already exists/i.test(messageOf(addErr))) throw addErr;
    }
  }
}

export async function ensureEventStream(jsm: JetStreamManager, names: NatsNames, limits: StreamLimits = DEFAULT_LIMITS): Promise<void> {
  const maxAgeMs = limits.maxAgeSeconds * 1000;
  await ensureStream(jsm, {
    name: names.eventStream,
    subjects: [names.eventSubjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(maxAgeMs),
    max_bytes: limits.maxBytes,
    max_msgs: limits.maxMsgs,
    duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, maxAgeMs)),
  });
}

/** The work queue: a request is removed once a worker acks it. */
export async function ensureRequestStream(jsm: JetStreamManager, names: NatsNames, limits: StreamLimits = DEFAULT_LIMITS): Promise<void> {
  const maxAgeMs = limits.maxAgeSeconds * 1000;
  await ensureStream(jsm, {
    name: names.requestStream,
    subjects: [names.requestSubjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(maxAgeMs),
    duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, maxAgeMs)),
  });
}

/** Latest status per run (key = run id), one value of history. */
export async function openRunsKv(nc: NatsConnection, names: NatsNames, limits: StreamLimits = DEFAULT_LIMITS): Promise<KV> {
  return new Kvm(nc).create(names.runsBucket, { history: 1, ttl: limits.maxAgeSeconds * 1000, storage: StorageType.File });
}

/** Which runs already notified someone: the cross-machine mirror of `<runDir>/notifications.json`. */
export async function openNotifiedKv(nc: NatsConnection, names: NatsNames, limits: StreamLimits = DEFAULT_LIMITS): Promise<KV> {
  return new Kvm(nc).create(names.notifiedBucket, { history: 1, ttl: limits.maxAgeSeconds * 1000, storage: StorageType.File });
}
