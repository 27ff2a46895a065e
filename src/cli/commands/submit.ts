/**
 * `log-anomaly submit [--config FILE] [--run-id ID] [--skip-install] [--dry-run] [--wait] [--json]`:
 * queues a run request for the workers; with --wait it follows the run like `watch` and exits
 * with the run's exit code. The settings file is checked here first, so a typo fails now (exit 2),
 * not on a worker; its absolute path goes in the request (workers must see the same path).
 */
import { resolve } from 'node:path';
import { checkRunId, openNatsForCli } from '../../bus/nats/cli-support.js';
import { followRunEvents } from '../../bus/nats/replay.js';
import { generateRequestRunId, submitRunRequest } from '../../bus/nats/requests.js';
import { loadSettings } from '../../config/settings.js';
import type { CliIo } from '../io.js';
import { showRemoteRun } from './watch.js';

/** What commander hands the action (program.ts declares the flags). */
export interface SubmitOptions { config?: string; runId?: string; skipInstall?: boolean; dryRun?: boolean; wait?: boolean; json?: boolean; nats?: string }

export async function submit(opts: SubmitOptions, io: CliIo): Promise<number> {
  const runId = checkRunId(opts.runId ?? generateRequestRunId());
  const settings = opts.config ? await loadSettings(opts.config, { cwd: io.cwd, env: io.env }) : undefined;
  const ctx = await openNatsForCli({ nats: opts.nats, settings, name: 'log-anomaly submit' }, io);
  try {
    const res = await submitRunRequest(
      ctx.nc,
      ctx.names,
      { runId, skipInstall: !!opts.skipInstall, dryRun: !!opts.dryRun, ...(opts.config ? { config: resolve(io.cwd, opts.config) } : {}) },
      ctx.limits,
    );
    const note = res.duplicate ? ' (already queued: this submit was deduplicated)' : '';
    io.stderr.write(`log-anomaly: queued run ${runId} on ${ctx.where}${note}\n`);
    if (!opts.wait) {
      if (opts.json) io.stdout.write(JSON.stringify({ runId, queued: !res.duplicate, streamSeq: res.streamSeq }) + '\n');
      else io.stdout.write(runId + '\n');
      return 0;
    }
    const events$ = followRunEvents(ctx.nc, {
      names: ctx.names,
      runId,
      limits: ctx.limits,
      onWarning: (m) => io.stderr.write(`log-anomaly: warn: ${m}\n`),
    });
    return await showRemoteRun(events$, { json: opts.json }, io);
  } finally {
    await ctx.nc.close().catch(() => undefined);
  }
}
