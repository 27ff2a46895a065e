/** What one tick of a schedule is: its run id (from the scheduled time, in UTC) and its window. */
import type { PipelineSettings, ScheduleSettings } from '../config/settings-types.js';

export interface Tick {
  readonly schedule: string;
  /** The scheduled time (not when the timer actually fired). */
  readonly at: Date;
  readonly runId: string;
  /** [at - window, at), ISO. */
  readonly window: { readonly from: string; readonly to: string };
  /** A missed tick run after downtime. */
  readonly catchup: boolean;
}

/** `<name>-YYYYMMDD-HHMMSS` (UTC): the same tick always gets the same id, on any host. */
export function tickRunId(name: string, at: Date): string {
  const iso = at.toISOString();
  return `${name}-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

export function makeTick(s: Pick<ScheduleSettings, 'name' | 'windowMs'>, at: Date, catchup = false): Tick {
  return {
    schedule: s.name,
    at,
    runId: tickRunId(s.name, at),
    window: { from: new Date(at.getTime() - s.windowMs).toISOString(), to: at.toISOString() },
    catchup,
  };
}

/** The settings a scheduled run uses: a CloudWatch source reads exactly the tick's window (files are read whole). */
export function settingsForWindow(settings: PipelineSettings, window: { readonly from: string; readonly to: string }): PipelineSettings {
  if (settings.source.type !== 'cloudwatch') return settings;
  return { ...settings, source: { ...settings.source, since: undefined, from: window.from, to: window.to } };
}
