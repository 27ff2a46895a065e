/**
 * Whether the execution behind a run that has not ended is still there, judged the way a taking-over
 * execution judges it (src/durable/lease.ts): its NATS lease names a pid that is gone (same host)
 * or has had no heartbeat for 3 intervals. A watcher uses it to end with `crashed` instead of
 * waiting forever for a run that was SIGKILLed and that nobody took over.
 *
 * No lease entry proves nothing (a run ending normally deletes its lease just before its final
 * event; runs from before leases have none), so only a stale entry counts.
 */
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { openLeaseKv } from '../../durable/lease-nats.js';
import { MISSED_BEATS, staleReason, type LeaseInfo } from '../../durable/lease.js';
import type { RunEvent, RunParams } from '../events.js';

export interface DeadExecution {
  readonly holder: LeaseInfo;
  readonly reason: 'pid gone' | 'heartbeat stopped';
}

export interface LivenessProbe {
  /** The run's execution when its lease says it is dead; undefined while it may be alive. */
  deadExecution(runId: string): Promise<DeadExecution | undefined>;
}

export function leaseLivenessProbe(kv: KV, now: () => number = Date.now): LivenessProbe {
  return {
    async deadExecution(runId) {
      const entry = await kv.get(runId);
      if (!entry || entry.operation !== 'PUT') return undefined;
      let holder: LeaseInfo;
      try {
        holder = entry.json<LeaseInfo>();
      } catch {
        return undefined;
      }
      const reason = staleReason(holder, now());
      return reason ? { holder, reason } : undefined;
    },
  };
}

export async function openLivenessProbe(nc: NatsConnection, prefix: string): Promise<LivenessProbe> {
  return leaseLivenessProbe(await openLeaseKv(nc, prefix));
}

/**
 * The final event a watcher shows for a dead execution: `run crashed`, exit code 1, with why. It
 * is the watcher's conclusion, not a stored event: seq follows the last one it printed.
 */
export function crashedEvent(runId: string, lastSeq: number, params: RunParams, dead: DeadExecution, at = new Date()): RunEvent {
  const h = dead.holder;
  const why =
    dead.reason === 'pid gone'
      ? `its process (pid ${h.pid} on ${h.host}) is gone`
      : `its lease (pid ${h.pid} on ${h.host}) has had no heartbeat since ${h.heartbeatAt}, more than ${MISSED_BEATS} intervals of ${h.intervalMs} ms`;
  return {
    v: 1,
    runId,
    seq: lastSeq + 1,
    at: at.toISOString(),
    type: 'run',
    status: 'crashed',
    params,
    exitCode: 1,
    error: { name: 'CrashedError', code: 'CRASHED', message: `run ${runId} stopped without finishing: ${why}; no execution has taken it over`, retryable: false },
  };
}
