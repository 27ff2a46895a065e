/**
 * One execution per run id. A lease names its holder (pid, host, since) and is kept alive by a
 * heartbeat every `intervalMs`; another execution may take it over only when the holder is gone:
 * its heartbeat stopped for 3 intervals, or (same host) its pid no longer exists. The holder
 * found dead is reported back (`takenOver`) so the caller can mark that execution `crashed`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ErrorCode, PipelineError, errnoCode } from '../errors.js';

export const DEFAULT_LEASE_INTERVAL_MS = 5_000;
/** Heartbeats a holder may miss before its lease is up for takeover. */
export const MISSED_BEATS = 3;

export interface LeaseInfo {
  readonly v: 1;
  readonly runId: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly intervalMs: number;
  /** Tells this holder's writes from a successor's. */
  readonly token: string;
}

export interface Lease {
  readonly info: LeaseInfo;
  /** The previous holder, found dead and replaced by this execution. */
  readonly takenOver?: LeaseInfo;
  /** Stops the heartbeat and frees the run id (idempotent; only this holder's lease is removed). */
  release(): Promise<void>;
}

export interface LeaseOptions {
  readonly runId: string;
  readonly intervalMs?: number;
  readonly now?: () => number;
  /** Told when a heartbeat fails or finds the lease taken (the run goes on; we only say so). */
  readonly onWarn?: (msg: string) => void;
}

export class LeaseHeldError extends PipelineError {
  override name = 'LeaseHeldError';
  constructor(readonly holder: LeaseInfo) {
    super(ErrorCode.LEASE_HELD, `run ${holder.runId} is already running (pid ${holder.pid} on ${holder.host} since ${holder.startedAt})`, { details: { pid: holder.pid, host: holder.host } });
  }
}

export function newLeaseInfo(runId: string, intervalMs: number, now: number): LeaseInfo {
  const at = new Date(now).toISOString();
  return { v: 1, runId, pid: process.pid, host: hostname(), startedAt: at, heartbeatAt: at, intervalMs, token: randomBytes(8).toString('hex') };
}

export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return false; // a fresh process cannot already hold a lease: the pid was reused
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

/** Why a holder is considered gone, or undefined while it is alive. */
export function staleReason(l: LeaseInfo, now: number): 'pid gone' | 'heartbeat stopped' | undefined {
  if (l.host === hostname() && !pidAlive(l.pid)) return 'pid gone';
  if (now - Date.parse(l.heartbeatAt) > MISSED_BEATS * l.intervalMs) return 'heartbeat stopped';
  return undefined;
}

/** Parses the interval from `LOG_ANOMALY_LEASE_INTERVAL_MS` (tests shorten it), else the default. */
export function leaseIntervalFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.LOG_ANOMALY_LEASE_INTERVAL_MS;
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 10 ? n : DEFAULT_LEASE_INTERVAL_MS;
}
