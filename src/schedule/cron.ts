/**
 * Cron rules, read by croner (v11: v10 stepped backwards across a spring-forward gap and skipped
 * the repeated hour on fall-back): five fields (minute precision) or six (seconds first), in an
 * IANA time zone. Across DST: a wall-clock time that does not exist (02:30 on a spring-forward day)
 * fires at the first instant after the gap (03:00); on a fall-back day a rule every 30 minutes fires in both
 * copies of the repeated hour (every UTC instant is covered once), while a rule naming the hour
 * (`30 2 * * *`) fires once. Run ids are named in UTC, so no two ticks share one.
 */
import { Cron } from 'croner';

export interface CronRule {
  readonly expression: string;
  readonly timezone: string;
  /** The first tick strictly after `after`; null when the rule never fires again. */
  next(after: Date): Date | null;
  /** Ticks in (after, until], oldest first, at most `max` of the LATEST ones. */
  between(after: Date, until: Date, max: number): Date[];
}

/** Throws an Error whose message says what is wrong (bad field count, bad value, unknown zone). */
export function compileCron(expression: string, timezone = 'UTC'): CronRule {
  // `paused`: croner never schedules anything itself; the scheduler owns the timers (and the clock).
  const cron = new Cron(expression, { timezone, paused: true, mode: '5-or-6-parts' });
  // An unknown zone only fails when a date is computed: do it now so a typo is bad input.
  cron.nextRun(new Date(0));
  // Ticks must move forward whatever the library does around a DST edge: never repeat or go back.
  const next = (after: Date): Date | null => {
    const t = cron.nextRun(after);
    return t && t.getTime() <= after.getTime() ? cron.nextRun(new Date(after.getTime() + 1000)) : t;
  };
  return {
    expression,
    timezone,
    next,
    between(after, until, max) {
      const out: Date[] = [];
      for (let t = next(after); t && t.getTime() <= until.getTime(); t = next(t)) {
        out.push(t);
        // Keep memory bounded after a long downtime with a seconds-level rule: only the last `max` count.
        if (out.length > Math.max(max, 0)) out.shift();
      }
      return max <= 0 ? [] : out;
    },
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `15m`, `1h`, `1d` -> milliseconds; undefined when it is not one of those. */
export function parseWindow(text: string): number | undefined {
  const m = /^([1-9]\d{0,5})([smhd])$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
}
