/**
 * Fires each schedule's ticks and hands them to an executor, one run at a time per schedule.
 * Pure of I/O except through what it is given (clock, state, executor), so tests drive it with a
 * fake clock. Policies:
 * - overlap `skip`: a tick that comes while the schedule's previous run still goes is dropped;
 *   `queue`: it runs when the previous one ends (in order; the same tick is never queued twice);
 * - catchup N: on start, the latest N ticks missed since the last fired tick run one after another
 *   (whatever the overlap policy: they are all owed); 0 drops them;
 * - a tick already fired in this process is not fired again; across processes the executor's
 *   run-directory check and lock make the same tick run once.
 */
import type { ScheduleSettings } from '../config/settings-types.js';
import { compileCron, type CronRule } from './cron.js';
import type { ScheduleState } from './state.js';
import { makeTick, type Tick } from './tick.js';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type TickOutcome =
  | { readonly kind: 'ran'; readonly status: string }
  /** The run directory says this tick already ran (or runs elsewhere). */
  | { readonly kind: 'exists'; readonly status: string };

export type SchedulerEvent =
  | { readonly type: 'armed'; readonly schedule: string; readonly next: Date }
  | { readonly type: 'fired'; readonly tick: Tick }
  | { readonly type: 'skipped'; readonly tick: Tick; readonly reason: 'overlap' | 'duplicate' | 'stopping' }
  | { readonly type: 'queued'; readonly tick: Tick }
  | { readonly type: 'done'; readonly tick: Tick; readonly outcome: TickOutcome }
  | { readonly type: 'error'; readonly tick: Tick; readonly error: Error };

export interface SchedulerOptions {
  readonly schedules: readonly ScheduleSettings[];
  readonly execute: (tick: Tick) => Promise<TickOutcome>;
  readonly state: ScheduleState;
  readonly clock?: Clock;
  readonly onEvent?: (e: SchedulerEvent) => void;
}

export interface Scheduler {
  start(): void;
  /** Stop firing; resolves when the runs in flight and queued catch-ups have ended or been dropped. */
  stop(): Promise<void>;
  /** Hand a tick over as if its timer fired (the timer path uses it too). */
  fire(name: string, at: Date, catchup?: boolean): void;
  /** Resolves when no schedule has a run in flight or queued. */
  idle(): Promise<void>;
}

/** setTimeout takes at most 2^31-1 ms; a longer wait re-arms on the way. */
const MAX_DELAY = 2 ** 31 - 1;

interface Lane {
  readonly s: ScheduleSettings;
  readonly rule: CronRule;
  timer?: unknown;
  active?: Promise<void>;
  readonly queue: Tick[];
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const clock = opts.clock ?? systemClock;
  const emit = opts.onEvent ?? (() => {});
  const lanes = new Map<string, Lane>(opts.schedules.map((s) => [s.name, { s, rule: compileCron(s.cron, s.timezone), queue: [] }]));
  const fired = new Set<string>();
  let stopping = false;
  let idleWaiters: (() => void)[] = [];

  const busy = () => [...lanes.values()].some((l) => l.active !== undefined || l.queue.length > 0);
  const checkIdle = () => {
    if (busy()) return;
    const w = idleWaiters;
    idleWaiters = [];
    w.forEach((f) => f());
  };

  function runNext(lane: Lane): void {
    const tick = lane.queue.shift();
    if (!tick) { checkIdle(); return; }
    if (stopping) {
      emit({ type: 'skipped', tick, reason: 'stopping' });
      lane.queue.length = 0;
      checkIdle(); return;
    }
    emit({ type: 'fired', tick });
    lane.active = opts
      .execute(tick)
      .then(
        (outcome) => emit({ type: 'done', tick, outcome }),
        (err: unknown) => emit({ type: 'error', tick, error: err instanceof Error ? err : new Error(String(err)) }),
      )
      .finally(() => {
        lane.active = undefined;
        runNext(lane);
      });
  }

  function fire(name: string, at: Date, catchup = false): void {
    const lane = lanes.get(name);
    if (!lane) throw new Error(`no schedule named ${name}`);
    const tick = makeTick(lane.s, at, catchup);
    if (stopping) { emit({ type: 'skipped', tick, reason: 'stopping' }); return; }
    if (fired.has(tick.runId)) { emit({ type: 'skipped', tick, reason: 'duplicate' }); return; }
    fired.add(tick.runId);
    void opts.state.set(name, at);
    if (lane.active && !catchup && lane.s.overlap === 'skip') { emit({ type: 'skipped', tick, reason: 'overlap' }); return; }
    lane.queue.push(tick);
    if (lane.active) { emit({ type: 'queued', tick }); return; }
    runNext(lane);
  }

  function arm(lane: Lane, after: Date): void {
    if (stopping) return;
    const next = lane.rule.next(after);
    if (!next) return;
    emit({ type: 'armed', schedule: lane.s.name, next });
    const wait = () => {
      const left = next.getTime() - clock.now();
      if (left > MAX_DELAY) {
        lane.timer = clock.setTimeout(wait, MAX_DELAY);
        return;
      }
      lane.timer = clock.setTimeout(() => {
        // A timer may fire a little early or late: the tick is the scheduled time either way.
        if (next.getTime() > clock.now()) { wait(); return; }
        fire(lane.s.name, next);
        arm(lane, next);
      }, Math.max(0, left));
    };
    wait();
  }

  return {
    start() {
      const now = new Date(clock.now());
      for (const lane of lanes.values()) {
        const last = opts.state.get(lane.s.name);
        if (last && lane.s.catchup > 0) {
          for (const at of lane.rule.between(last, now, lane.s.catchup)) fire(lane.s.name, at, true);
        }
        // A tick exactly at start time was not missed: the timer fires it.
        arm(lane, new Date(now.getTime() - 1));
      }
    },
    fire,
    idle() {
      return busy() ? new Promise((r) => idleWaiters.push(r)) : Promise.resolve();
    },
    async stop() {
      stopping = true;
      for (const lane of lanes.values()) {
        if (lane.timer !== undefined) clock.clearTimeout(lane.timer);
        for (const tick of lane.queue.splice(0)) emit({ type: 'skipped', tick, reason: 'stopping' });
      }
      await Promise.all([...lanes.values()].flatMap((l) => (l.active ? [l.active] : [])));
    },
  };
}
