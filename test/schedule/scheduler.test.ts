import { describe, expect, it } from 'vitest';
import type { ScheduleSettings } from '../../src/config/settings-types.js';
import { createScheduler, type SchedulerEvent, type TickOutcome } from '../../src/schedule/scheduler.js';
import { memoryScheduleState } from '../../src/schedule/state.js';
import type { Tick } from '../../src/schedule/tick.js';
import { FakeClock } from './fake-clock.js';

const H = 3_600_000;
const sched = (over: Partial<ScheduleSettings> = {}): ScheduleSettings => ({
  name: 'job',
  cron: '0 * * * *',
  timezone: 'UTC',
  window: '1h',
  windowMs: H,
  overlap: 'skip',
  catchup: 0,
  ...over,
});

/** An executor whose runs end when the test says so; it records what ran and how many ran at once. */
function executor(opts: { instant?: boolean } = {}) {
  const started: Tick[] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const execute = (tick: Tick): Promise<TickOutcome> => {
    started.push(tick);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = () => {
      inFlight -= 1;
    };
    if (opts.instant) {
      done();
      return Promise.resolve({ kind: 'ran', status: 'completed' });
    }
    return new Promise((resolve) => pending.push(() => {
      done();
      resolve({ kind: 'ran', status: 'completed' });
    }));
  };
  return {
    execute,
    started,
    ids: () => started.map((t) => t.runId),
    finishOne: async () => {
      pending.shift()?.();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    },
    maxInFlight: () => maxInFlight,
  };
}

describe('scheduler: ticks, run ids and windows', () => {
  it('names each run from its scheduled UTC time and gives it the tick\'s own window', async () => {
    const clock = new FakeClock('2026-12-04T09:59:30Z');
    const ex = executor({ instant: true });
    const s = createScheduler({ schedules: [sched({ cron: '*/15 * * * *', window: '15m', windowMs: 15 * 60_000 })], execute: ex.execute, state: memoryScheduleState(), clock });
    s.start();
    // The timer fires late (a busy machine): the tick is still the scheduled time.
    await clock.advance(31_000 + 4_000);
    expect(ex.ids()).toEqual(['job-20261204-100000']);
    expect(ex.started[0].window).toEqual({ from: '2026-12-04T09:45:00.000Z', to: '2026-12-04T10:00:00.000Z' });
    await clock.advance(30 * 60_000);
    expect(ex.ids()).toEqual(['job-20261204-100000', 'job-20261204-101500', 'job-20261204-103000']);
    await s.stop();
  });

  it('Europe/Berlin spring forward (2026-03-29): 02:30 does not exist and fires at 03:00 CEST, once', async () => {
    const clock = new FakeClock('2026-03-27T12:00:00Z');
    const ex = executor({ instant: true });
    const s = createScheduler({ schedules: [sched({ cron: '30 2 * * *', timezone: 'Europe/Berlin' })], execute: ex.execute, state: memoryScheduleState(), clock });
    s.start();
    await clock.advance(3 * 24 * H);
    expect(ex.started.map((t) => t.at.toISOString())).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 is skipped by the clocks: 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    await s.stop();
  });

  it('Europe/Berlin fall back (2026-10-25): every half hour covers both copies of 02:xx; a rule naming 02:30 fires once', async () => {
    const clock = new FakeClock('2026-10-24T23:40:00Z');
    const ex = executor({ instant: true });
    const s = createScheduler({
      schedules: [
        sched({ name: 'half', cron: '*/30 * * * *', timezone: 'Europe/Berlin', window: '30m', windowMs: 30 * 60_000 }),
        sched({ name: 'daily', cron: '30 2 * * *', timezone: 'Europe/Berlin', window: '1d', windowMs: 24 * H }),
      ],
      execute: ex.execute,
      state: memoryScheduleState(),
      clock,
    });
    s.start();
    await clock.advance(3 * H);
    const half = ex.started.filter((t) => t.schedule === 'half');
    expect(half.map((t) => t.at.toISOString())).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET (the same wall clock again)
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T02:30:00.000Z',
    ]);
    // Windows tile UTC time with no gap and no overlap across the change.
    for (let i = 1; i < half.length; i++) expect(half[i].window.from).toBe(half[i - 1].window.to);
    expect(ex.started.filter((t) => t.schedule === 'daily').map((t) => t.runId)).toEqual(['daily-20261025-003000']);
    await s.stop();
  });
});

describe('scheduler: downtime and catch-up', () => {
  const lastTick = new Date('2026-12-04T06:00:00Z');

  it('catchup 0: after four hours down, no missed tick runs; the next one does', async () => {
    const clock = new FakeClock('2026-12-04T10:20:00Z');
    const ex = executor({ instant: true });
    const s = createScheduler({ schedules: [sched()], execute: ex.execute, state: memoryScheduleState({ job: lastTick }), clock });
    s.start();
    await clock.advance(0);
    expect(ex.ids()).toEqual([]);
    await clock.advance(40 * 60_000);
    expect(ex.ids()).toEqual(['job-20261204-110000']);
    await s.stop();
  });

  it('catchup 2: the two latest missed ticks run first, one after another, then the schedule goes on', async () => {
    const clock = new FakeClock('2026-12-04T10:20:00Z');
    const ex = executor();
    const events: SchedulerEvent[] = [];
    const s = createScheduler({ schedules: [sched({ catchup: 2 })], execute: ex.execute, state: memoryScheduleState({ job: lastTick }), clock, onEvent: (e) => events.push(e) });
    s.start();
    expect(ex.ids()).toEqual(['job-20261204-090000']);
    await ex.finishOne();
    expect(ex.ids()).toEqual(['job-20261204-090000', 'job-20261204-100000']);
    expect(ex.started.every((t) => t.catchup)).toBe(true);
    await ex.finishOne();
    await clock.advance(40 * 60_000);
    expect(ex.ids()).toEqual(['job-20261204-090000', 'job-20261204-100000', 'job-20261204-110000']);
    expect(ex.maxInFlight()).toBe(1);
    await ex.finishOne();
    await s.stop();
  });

  it('remembers the last tick it fired, so a restart knows what it missed', async () => {
    const state = memoryScheduleState();
    const clock = new FakeClock('2026-12-04T09:59:00Z');
    const ex = executor({ instant: true });
    const first = createScheduler({ schedules: [sched({ catchup: 5 })], execute: ex.execute, state, clock });
    first.start();
    await clock.advance(2 * 60_000);
    await first.stop();
    expect(state.get('job')?.toISOString()).toBe('2026-12-04T10:00:00.000Z');
    clock.jump(3 * H); // down until 13:01
    const second = createScheduler({ schedules: [sched({ catchup: 5 })], execute: ex.execute, state, clock });
    second.start();
    await second.idle();
    expect(ex.ids()).toEqual(['job-20261204-100000', 'job-20261204-110000', 'job-20261204-120000', 'job-20261204-130000']);
    await second.stop();
  });
});

describe('scheduler: overlap', () => {
  it('skip: ticks that come while a run goes are dropped, never run in parallel', async () => {
    const clock = new FakeClock('2026-12-04T09:59:00Z');
    const ex = executor();
    const events: SchedulerEvent[] = [];
    const s = createScheduler({ schedules: [sched()], execute: ex.execute, state: memoryScheduleState(), clock, onEvent: (e) => events.push(e) });
    s.start();
    await clock.advance(3 * H); // 10:00 runs and hangs; 11:00 and 12:00 come while it goes
    expect(ex.ids()).toEqual(['job-20261204-100000']);
    expect(events.filter((e) => e.type === 'skipped').map((e) => (e as { tick: Tick }).tick.runId)).toEqual(['job-20261204-110000', 'job-20261204-120000']);
    await ex.finishOne();
    await clock.advance(H);
    expect(ex.ids()).toEqual(['job-20261204-100000', 'job-20261204-130000']);
    expect(ex.maxInFlight()).toBe(1);
    await ex.finishOne();
    await s.stop();
  });

  it('queue: they run after it, in order, one at a time', async () => {
    const clock = new FakeClock('2026-12-04T09:59:00Z');
    const ex = executor();
    const s = createScheduler({ schedules: [sched({ overlap: 'queue' })], execute: ex.execute, state: memoryScheduleState(), clock });
    s.start();
    await clock.advance(3 * H);
    expect(ex.ids()).toEqual(['job-20261204-100000']);
    await ex.finishOne();
    expect(ex.ids()).toEqual(['job-20261204-100000', 'job-20261204-110000']);
    await ex.finishOne();
    await ex.finishOne();
    expect(ex.ids()).toEqual(['job-20261204-100000', 'job-20261204-110000', 'job-20261204-120000']);
    expect(ex.maxInFlight()).toBe(1);
    await s.idle();
    await s.stop();
  });

  it('a tick that fires twice produces one run', async () => {
    const clock = new FakeClock('2026-12-04T09:59:00Z');
    const ex = executor({ instant: true });
    const events: SchedulerEvent[] = [];
    const s = createScheduler({ schedules: [sched({ overlap: 'queue' })], execute: ex.execute, state: memoryScheduleState(), clock, onEvent: (e) => events.push(e) });
    s.start();
    await clock.advance(2 * 60_000);
    s.fire('job', new Date('2026-12-04T10:00:00Z'));
    expect(ex.ids()).toEqual(['job-20261204-100000']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'skipped', reason: 'duplicate' }));
    await s.stop();
  });

  it('stop: queued ticks are dropped and the run in flight is awaited', async () => {
    const clock = new FakeClock('2026-12-04T09:59:00Z');
    const ex = executor();
    const s = createScheduler({ schedules: [sched({ overlap: 'queue' })], execute: ex.execute, state: memoryScheduleState(), clock });
    s.start();
    await clock.advance(2 * H);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    await ex.finishOne();
    await stopping;
    expect(ex.ids()).toEqual(['job-20261204-100000']);
    await clock.advance(5 * H);
    expect(ex.ids()).toEqual(['job-20261204-100000']);
  });
});
