/**
 * `log-anomaly runs [--json] [-n N]`: recent runs from the runs KV bucket, newest first:
 * id, status, started, duration, anomalies found, report URI.
 */
import { loadOptionalSettings, openNatsForCli } from '../../bus/nats/cli-support.js';
import type { RunRecord } from '../../bus/nats/run-record.js';
import { openRunsKv } from '../../bus/nats/setup.js';
import { sanitizeForTerminal as clean } from '../../util/sanitize.js';
import type { CliIo } from '../io.js';
import type { RunsOptions } from '../program.js';

function duration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

export function formatRunsTable(records: readonly RunRecord[]): string {
  const rows = [
    ['RUN ID', 'STATUS', 'STARTED', 'DURATION', 'ANOMALIES', 'REPORT'],
    ...records.map((r) => [
      r.runId,
      r.status === 'started' && r.currentStep ? `running:${r.currentStep.split('/').pop()}` : r.status,
      r.startedAt ? r.startedAt.replace('T', ' ').slice(0, 19) : '-',
      duration(r.durationMs),
      r.anomalies === undefined ? '-' : `${r.anomalies}${r.reported !== undefined ? ` (${r.reported} reported)` : ''}`,
      r.reportUri ?? '-',
    ]),
  ].map((cells) => cells.map((c) => clean(String(c))));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export async function readRunRecords(kv: import('@nats-io/kv').KV): Promise<RunRecord[]> {
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

export async function runs(opts: RunsOptions, io: CliIo): Promise<number> {
  const settings = await loadOptionalSettings(opts.config, io);
  const ctx = await openNatsForCli({ nats: opts.nats, settings, name: 'log-anomaly runs' }, io);
  try {
    const kv = await openRunsKv(ctx.nc, ctx.names, ctx.limits);
    const records = (await readRunRecords(kv)).slice(0, opts.limit ?? 20);
    if (opts.json) io.stdout.write(JSON.stringify(records, null, 2) + '\n');
    else if (records.length === 0) io.stdout.write(`no runs recorded on ${ctx.where} (bucket ${ctx.names.runsBucket})\n`);
    else io.stdout.write(formatRunsTable(records));
    return 0;
  } finally {
    await ctx.nc.close().catch(() => undefined);
  }
}
