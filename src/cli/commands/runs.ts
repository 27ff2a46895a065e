/**
 * `log-anomaly runs [--status S] [--since 2h] [-n N] [--json]`: recent runs, newest first: the local
 * runs folder (works without NATS), merged by run id with the runs KV bucket when NATS is set up.
 * id, status, started, duration, anomalies, incidents, report URI.
 */
import { resolve } from 'node:path';
import { openNatsForCli } from '../../bus/nats/cli-support.js';
import { loadSettings } from '../../config/settings.js';
import { UsageError } from '../../errors.js';
import { filterRuns, listLocalRuns, sortNewestFirst, type LocalRun } from '../../runs/local-runs.js';
import type { KV } from '@nats-io/kv';
import type { RunRecord } from '../../bus/nats/run-record.js';
import { openRunsKv } from '../../bus/nats/setup.js';
import { leaseLivenessProbe, type LivenessProbe } from '../../bus/nats/run-liveness.js';
import { openLeaseKv } from '../../durable/lease-nats.js';
import type { LeaseInfo } from '../../durable/lease.js';
import { sanitizeForTerminal as clean } from '../../util/sanitize.js';
import type { CliIo } from '../io.js';

/** What commander hands the action (program.ts declares the flags). */
export interface RunsOptions { json?: boolean; limit?: number; nats?: string; config?: string; status?: string[]; since?: string; outDir?: string }

function duration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

export async function readRunRecords(kv: KV): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for await (const key of await kv.keys()) {
    const e = await kv.get(key);
    if (!e || e.operation !== 'PUT') continue;
    try {
      out.push(e.json<RunRecord>());
    } catch {
      // A value we cannot read is not a run we can list.
    }
  }
  return out.sort((a, b) => (b.startedAt ?? b.updatedAt).localeCompare(a.startedAt ?? a.updatedAt));
}

/**
 * Runs that hold a NATS lease but have no record in the runs KV. The record is folded from acked
 * events and put a few ms after the first one is stored, so an execution SIGKILLed in between
 * leaves its events and its lease but no record; `watch` finds it by its lease, so `runs` lists it
 * too, as started: the liveness probe then tells running from crashed.
 */
export async function leaseOnlyRuns(leases: KV, recorded: readonly RunRecord[]): Promise<RunRecord[]> {
  const known = new Set(recorded.map((r) => r.runId));
  const out: RunRecord[] = [];
  for await (const key of await leases.keys()) {
    if (known.has(key)) continue;
    const e = await leases.get(key);
    if (!e || e.operation !== 'PUT') continue;
    let l: LeaseInfo;
    try {
      l = e.json<LeaseInfo>();
    } catch {
      continue; // not a lease we can read: nothing to list
    }
    out.push({ v: 1, runId: l.runId, status: 'started', startedAt: l.startedAt, updatedAt: l.heartbeatAt, executions: 1, lastSeq: 0, by: l.host });
  }
  return out;
}

/** A row of `runs`: the local folder's view, the KV registry's, or both merged by run id. */
export interface RunRow extends Partial<Omit<RunRecord, 'status'>> {
  readonly runId: string;
  readonly status: string;
  readonly incidents?: number;
  readonly path?: string;
  readonly problem?: string;
  /** Where the row came from. */
  readonly from: readonly ('local' | 'nats')[];
}

/**
 * Runs the KV still calls started whose execution is dead by its lease (SIGKILLed, nobody took
 * over): run id -> why, the way `watch` judges it (bus/nats/run-liveness.ts).
 */
export async function deadRuns(remote: readonly RunRecord[], probe: LivenessProbe): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of remote) {
    if (r.status !== 'started') continue;
    const dead = await probe.deadExecution(r.runId);
    if (dead) out.set(r.runId, dead.reason === 'pid gone' ? `pid ${dead.holder.pid} on ${dead.holder.host} is gone` : `no heartbeat since ${dead.holder.heartbeatAt}`);
  }
  return out;
}

/** The KV knows remote runs; the folder knows local files. A finished local record wins the status. */
export function mergeRuns(local: readonly LocalRun[], remote: readonly RunRecord[], dead: ReadonlyMap<string, string> = new Map()): RunRow[] {
  const rows = new Map<string, RunRow>();
  for (const r of remote) {
    const why = dead.get(r.runId);
    rows.set(r.runId, why !== undefined ? { ...r, status: 'crashed', problem: why, from: ['nats'] } : { ...r, status: r.status === 'started' ? 'running' : r.status, from: ['nats'] });
  }
  for (const l of local) {
    const k = rows.get(l.runId);
    if (!k) {
      rows.set(l.runId, { ...l, from: ['local'] });
      continue;
    }
    // Only the folder can tell crashed/unreadable; but a run the KV sees going on another host is not crashed here.
    const localFinal = ['completed', 'failed', 'cancelled', 'unreadable'].includes(l.status);
    const status = localFinal ? l.status : k.status;
    rows.set(l.runId, { ...k, ...l, status, from: ['local', 'nats'] });
  }
  return sortNewestFirst([...rows.values()]);
}

const UNIT: Readonly<Record<string, number>> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** `--since 2h` / `7d` / an ISO time -> epoch ms. */
export function parseSince(text: string, now = Date.now()): number {
  const m = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (m) return now - Number(m[1]) * UNIT[m[2]];
  const t = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(t)) return t;
  throw new UsageError(`--since: expected a duration such as 2h or 7d, or an ISO time such as 2026-12-01T00:00:00Z, got ${JSON.stringify(text)}`);
}

const STATUSES = ['completed', 'failed', 'cancelled', 'running', 'running?', 'crashed', 'unreadable'];

export function formatRunRows(rows: readonly RunRow[]): string {
  const table = [
    ['RUN ID', 'STATUS', 'STARTED', 'DURATION', 'ANOMALIES', 'INCIDENTS', 'REPORT'],
    ...rows.map((r) => [
      r.runId,
      r.status === 'running' && r.currentStep ? `running:${r.currentStep.split('/').pop()}` : r.status,
      r.startedAt ? r.startedAt.replace('T', ' ').slice(0, 19) : '-',
      duration(r.durationMs),
      r.anomalies === undefined ? '-' : `${r.anomalies}${r.reported !== undefined ? ` (${r.reported} reported)` : ''}`,
      r.incidents === undefined ? '-' : String(r.incidents),
      r.reportUri ?? (r.status === 'unreadable' || r.status === 'crashed' ? (r.problem ?? r.path ?? '-') : '-'),
    ]),
  ].map((cells) => cells.map((c) => clean(c)));
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export async function runs(opts: RunsOptions, io: CliIo): Promise<number> {
  const bad = (opts.status ?? []).filter((s) => !STATUSES.includes(s));
  if (bad.length) throw new UsageError(`--status: unknown status ${bad.map((b) => JSON.stringify(b)).join(', ')}; use ${STATUSES.join(', ')}`);
  const since = opts.since !== undefined ? parseSince(opts.since) : undefined;
  const settings = await loadSettings(opts.config, { cwd: io.cwd, env: io.env });
  const dir = opts.outDir ? resolve(io.cwd, opts.outDir) : settings.output.dir;
  const local = await listLocalRuns(dir);
  let remote: RunRecord[] = [];
  let dead = new Map<string, string>();
  let where = dir;
  if (opts.nats || io.env.NATS_URL || settings.nats) {
    const ctx = await openNatsForCli({ nats: opts.nats, settings, name: 'log-anomaly runs' }, io);
    try {
      const recorded = await readRunRecords(await openRunsKv(ctx.nc, ctx.names, ctx.limits));
      const leases = await openLeaseKv(ctx.nc, ctx.names.prefix);
      remote = [...recorded, ...(await leaseOnlyRuns(leases, recorded))];
      dead = await deadRuns(remote, leaseLivenessProbe(leases));
      where = `${dir} and ${ctx.where} (bucket ${ctx.names.runsBucket})`;
    } finally {
      await ctx.nc.close().catch(() => undefined);
    }
  }
  const rows = filterRuns(mergeRuns(local, remote, dead), { status: opts.status, since, limit: opts.limit ?? 20 });
  if (opts.json) io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else if (rows.length === 0) io.stdout.write(`no runs${opts.status?.length || since !== undefined ? ' match' : ''} in ${where}\n`);
  else io.stdout.write(formatRunRows(rows));
  return 0;
}
