import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createProgressBar, etaText, progressText } from '../../src/cli/progress-bar.js';

class Term extends Writable {
  text = '';
  writes = 0;
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {
    super();
  }
  override _write(c: unknown, _e: BufferEncoding, cb: () => void) {
    this.text += String(c);
    this.writes++;
    cb();
  }
}

const MB = 1 << 20;

describe('progress bar', () => {
  it('draws percentage, bytes and ETA in place, fitted to the terminal', () => {
    expect(progressText('parse', 25 * MB, 100 * MB, 2000, 80)).toBe('parse  [████████░░░░░░░░░░░░░░░░░░░░░░]   25%  25 MB/100 MB  ETA 6s');
    expect(progressText('detect', 50 * MB, 100 * MB, 1000, 40)).toBe('detect   50%  50 MB/100 MB  ETA 1s');
    expect(etaText(0, 10, 500)).toBe('ETA --');
    expect(etaText(1, 100, 2000)).toBe('ETA 3m18s');
    expect(etaText(1, 10_000, 2000)).toBe('ETA 5h33m');
  });

  it('redraws at most 10 times a second, only after the work has lasted 300 ms, and clears at the end', () => {
    let now = 0;
    const term = new Term(true);
    const bar = createProgressBar({ stream: term, total: 1000, label: 'parse', clock: () => now });
    for (now = 0; now <= 2000; now += 5) bar.update(now / 2);
    const draws = term.text.split('\r\u001b[K').filter(Boolean);
    // from 300 ms to 2000 ms at one draw per 100 ms
    expect(draws).toHaveLength(18);
    expect(draws[0]).toMatch(/^parse {2}\[.*\] {3}15% {2}150 B\/1000 B {2}ETA 2s$/);
    expect(draws.at(-1)).toMatch(/100% {2}1000 B\/1000 B {2}ETA <?\d*s?/);
    bar.done();
    expect(term.text.endsWith('\r\u001b[K')).toBe(true);
    const after = term.writes;
    now += 1000;
    bar.update(1000);
    expect(term.writes).toBe(after);
  });

  it('nothing at all when stderr is not a terminal, when disabled (--json, --quiet), or without a total', () => {
    for (const [term, enabled, total] of [
      [new Term(false), true, 100],
      [new Term(true), false, 100],
      [new Term(true), true, 0],
    ] as const) {
      let now = 0;
      const bar = createProgressBar({ stream: term, total, label: 'x', enabled, clock: () => now });
      for (now = 0; now < 3000; now += 50) bar.update(now);
      bar.done();
      expect(term.text).toBe('');
    }
  });
});
