/**
 * The NATS lease: one KV entry per run id in `<prefix>_leases`, created with compare-and-set
 * (kv.create fails when a live entry exists) and kept alive by kv.update with the revision this
 * holder last wrote, so a successor's write is never overwritten. A holder whose heartbeat stopped
 * for 3 intervals is replaced by kv.update with the revision read (two contenders: one wins).
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_LEASE_INTERVAL_MS, LeaseHeldError, newLeaseInfo, staleReason, type Lease, type LeaseInfo, type LeaseOptions } from './lease.js';
import { startHeartbeat } from './heartbeat.js';
import { messageOf } from '../errors.js';

export function leaseBucketName(prefix: string): string {
  return `${prefix}_leases`;
}

export async function openLeaseKv(nc: NatsConnection, prefix: string): Promise<KV> {
  return new Kvm(nc).create(leaseBucketName(prefix), { history: 1 });
}

export async function acquireNatsLease(kv: KV, o: LeaseOptions): Promise<Lease> {
  const now = o.now ?? Date.now;
  const intervalMs = o.intervalMs ?? DEFAULT_LEASE_INTERVAL_MS;
  const info = newLeaseInfo(o.runId, intervalMs, now());
  const key = o.runId;
  let revision: number;
  let takenOver: LeaseInfo | undefined;
  try {
    revision = await kv.create(key, JSON.stringify(info));
  } catch (createErr) {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT') {
      // Deleted between our create and get: try once more (kv.create accepts a deleted key).
      revision = await kv.create(key, JSON.stringify(info)).catch(() => {
        throw createErr;
      });
    } else {
      const held = entry.json<LeaseInfo>();
      if (!staleReason(held, now())) throw new LeaseHeldError({ ...held, runId: o.runId });
      try {
        revision = await kv.update(key, JSON.stringify(info), entry.revision);
      } catch {
        const winner = await kv.get(key);
        throw new LeaseHeldError({ ...(winner?.operation === 'PUT' ? winner.json<LeaseInfo>() : held), runId: o.runId });
      }
      takenOver = held;
    }
  }

  let current = info;
  let released = false;
  let lost = false;
  const beat = async () => {
    if (lost) return;
    current = { ...current, heartbeatAt: new Date(now()).toISOString() };
    try {
      revision = await kv.update(key, JSON.stringify(current), revision);
    } catch (err) {
      const on = await kv.get(key).catch(() => null);
      if (on?.operation === 'PUT' && on.json<LeaseInfo>().token !== info.token) {
        lost = true;
        o.onWarn?.(`NATS lease of run ${o.runId} was taken by pid ${on.json<LeaseInfo>().pid} on ${on.json<LeaseInfo>().host}; this execution no longer holds it`);
      } else o.onWarn?.(`NATS lease heartbeat failed: ${messageOf(err)}`);
    }
  };
  // beat() reports its own failures; the handler is for anything it did not foresee.
  const heartbeat = startHeartbeat(intervalMs, beat, (err) => o.onWarn?.(`NATS lease heartbeat failed: ${messageOf(err)}`));
  return {
    info,
    ...(takenOver ? { takenOver } : {}),
    async release() {
      if (released) return;
      released = true;
      await heartbeat.stop();
      if (!lost) await kv.delete(key, { previousSeq: revision }).catch(() => undefined);
    },
  };
}
