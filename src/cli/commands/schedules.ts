/**
 * `log-anomaly schedules [--config F] [-n 3] [--json]`: each schedule with its rule, zone, window,
 * policies, its next ticks (in its zone and UTC) and its last run from the local runs folder.
 */
import { loadSettings } from '../../config/settings.js';
import type { ScheduleSettings } from '../../config/settings-types.js';
import { listLocalRuns, type LocalRun } from '../../runs/local-runs.js';
import { compileCron } from '../../schedule/cron.js';
import { loadScheduleState, stateFile } from '../../schedule/state.js';
import { tickRunId } from '../../schedule/tick.js';
import { sanitizeForTerminal as clean } from '../../util/sanitize.js';
import type { CliIo } from '../io.js';

/** What commander hands the action (program.ts declares the flags). */
export interface SchedulesOptions { config?: string; json?: boolean; count?: number }

export interface ScheduleView {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly window: string;
  readonly overlap: string;
  readonly catchup: number;
  readonly next: readonly string[];
  readonly lastTick?: string;
  readonly lastRun?: Pick<LocalRun, 'runId' | 'status' | 'startedAt' | 'anomalies' | 'reportUri'>;
}

/** `2026-03-29 03:30 CEST` style wall-clock time in the schedule's zone. */
function inZone(d: Date, timezone: string): string {
  const f = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
  return f.format(d);
}

export function viewSchedules(schedules: readonly ScheduleSettings[], runs: readonly LocalRun[], lastTick: (n: string) => Date | undefined, now: Date, count: number): ScheduleView[] {
  return schedules.map((s) => {
    const rule = compileCron(s.cron, s.timezone);
    const next: string[] = [];
    for (let t = rule.next(now); t && next.length < count; t = rule.next(t)) next.push(t.toISOString());
    // Runs are newest first; a run belongs to a schedule by its params or, failing that, its id's shape.
    const mine = runs.find((r) => r.schedule === s.name || (r.schedule === undefined && new RegExp(`^${s.name}-\\d{8}-\\d{6}$`).test(r.runId)));
    const last = lastTick(s.name);
    return {
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      window: s.window,
      overlap: s.overlap,
      catchup: s.catchup,
      next,
      ...(last ? { lastTick: last.toISOString() } : {}),
      ...(mine ? { lastRun: { runId: mine.runId, status: mine.status, startedAt: mine.startedAt, anomalies: mine.anomalies, reportUri: mine.reportUri } } : {}),
    };
  });
}

export function formatSchedules(views: readonly ScheduleView[]): string {
  return views
    .map((v) => {
      const lines = [
        `${v.name}  cron "${v.cron}" (${v.timezone})  window ${v.window}  overlap ${v.overlap}  catchup ${v.catchup}`,
        ...v.next.map((t, i) => `  ${i === 0 ? 'next' : '    '}  ${inZone(new Date(t), v.timezone)}  (${t})  run id ${tickRunId(v.name, new Date(t))}`),
        v.lastRun
          ? `  last  ${v.lastRun.runId}  ${v.lastRun.status}${v.lastRun.anomalies !== undefined ? `  ${v.lastRun.anomalies} anomalies` : ''}${v.lastRun.reportUri ? `  ${v.lastRun.reportUri}` : ''}`
          : `  last  none yet${v.lastTick ? ` (last tick fired ${v.lastTick})` : ''}`,
      ];
      return lines.map(clean).join('\n');
    })
    .join('\n\n') + '\n';
}

export async function schedules(opts: SchedulesOptions, io: CliIo): Promise<number> {
  const settings = await loadSettings(opts.config, { cwd: io.cwd, env: io.env });
  const list = settings.schedules ?? [];
  const runs = await listLocalRuns(settings.output.dir);
  const state = await loadScheduleState(stateFile(settings.output.dir));
  const views = viewSchedules(list, runs, (n) => state.get(n), new Date(), opts.count ?? 3);
  if (opts.json) io.stdout.write(JSON.stringify(views, null, 2) + '\n');
  else if (views.length === 0) io.stdout.write(`no schedules in ${settings.file} (add a schedules: list; see docs/configuration.md)\n`);
  else io.stdout.write(formatSchedules(views));
  return 0;
}
