import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import type { BusEvent } from '../../src/bus/events.js';
import { paceEvents, type PaceClock } from '../../src/tui/pace-events.js';

/** A hand-driven clock: timers fire only when the test advances time. */
function manualClock(): PaceClock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      timers = timers.filter((t) => t !== h);
    },
    advance(ms) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers = timers.filter((x) => x !== t);
        t.fn();
      }
    },
  };
}

let seq = 0;
const base = () => ({ v: 1 as const, runId: 'r', seq: ++seq, at: '2026-12-04T00:00:00Z' });
const step = (s: string, status: 'running' | 'done' | 'failed'): BusEvent => ({ ...base(), type: 'step', step: s, name: s, kind: 'task', status });
const log = (msg: string): BusEvent => ({ ...base(), type: 'log', level: 'info', msg });
const label = (e: BusEvent) => (e.type === 'step' ? `${e.step}:${e.status}` : e.type === 'log' ? `log:${e.msg}` : e.type);

describe('paceEvents', () => {
  it('shows each step running for at least the pace, keeping every event in order', () => {
    const clock = manualClock();
    const src = new Subject<BusEvent>();
    const seen: string[] = [];
    let completed = false;
    paceEvents(src, 1500, clock).subscribe({ next: (e) => seen.push(label(e)), complete: () => (completed = true) });
    // the whole run arrives at once, as the demo's does
    for (const e of [step('a', 'running'), log('one'), step('a', 'done'), step('b', 'running'), step('b', 'failed'), log('two')]) src.next(e);
    src.complete();
    expect(seen).toEqual(['a:running', 'log:one']);
    clock.advance(1499);
    expect(seen).toEqual(['a:running', 'log:one']);
    clock.advance(1);
    expect(seen).toEqual(['a:running', 'log:one', 'a:done', 'b:running']);
    expect(completed).toBe(false);
    clock.advance(1500);
    expect(seen).toEqual(['a:running', 'log:one', 'a:done', 'b:running', 'b:failed', 'log:two']);
    expect(completed).toBe(true);
  });

  it('adds no delay to a step that already ran long enough', () => {
    const clock = manualClock();
    const src = new Subject<BusEvent>();
    const seen: string[] = [];
    paceEvents(src, 1500, clock).subscribe((e) => seen.push(label(e)));
    src.next(step('a', 'running'));
    clock.advance(2000);
    src.next(step('a', 'done'));
    expect(seen).toEqual(['a:running', 'a:done']);
  });
});
