/** A clock tests move by hand: timers fire in time order as `advance` passes them. */
import type { Clock } from '../../src/schedule/scheduler.js';

export class FakeClock implements Clock {
  private t: number;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  constructor(start: string | number) {
    this.t = typeof start === 'string' ? Date.parse(start) : start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  /** Moves time forward, firing due timers in order (and the ones they set, if due). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      // Let the executor's promise callbacks run, as real time would.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    this.t = end;
  }
  /** Jumps without firing anything: the process was down. */
  jump(ms: number): void {
    this.t += ms;
  }
}
