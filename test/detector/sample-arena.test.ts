/**
 * The off-heap store of open sessions' sample lines gives back every line exactly as stored
 * (any Unicode, lone surrogates, long lines), and its memory follows the live lines even when
 * some lines stay for long while many come and go.
 */
import { describe, expect, it } from 'vitest';
import { SampleArena } from '../../src/detector/detect/sample-arena.js';

describe('sample arena', () => {
  it('returns each line exactly as stored, in any order of release', () => {
    const arena = new SampleArena();
    const lines = ['plain ascii line', 'ünïcödé — 日本語 🚀', 'lone \ud800 surrogate', 'x'.repeat(70_000), ''];
    arena.reserve(lines.length);
    lines.forEach((l, h) => arena.put(h, l));
    expect(arena.take(3)).toBe(lines[3]);
    expect(arena.take(1)).toBe(lines[1]);
    expect(arena.take(2)).toBe(lines[2]);
    expect(arena.take(0)).toBe(lines[0]);
    expect(arena.take(4)).toBe(lines[4]);
  });

  it('a handle is reusable after release, and lines pinned for long survive compaction', () => {
    const arena = new SampleArena();
    const slots = 1000;
    arena.reserve(slots);
    const held = new Map<number, string>();
    // handle 0..9 are held for the whole run; the rest churn through many segments
    for (let h = 0; h < 10; h++) {
      const s = `pinned line ${h} ` + 'p'.repeat(h * 7);
      arena.put(h, s);
      held.set(h, s);
    }
    // plain compares in the loop: an expect() per line made this take 40 s on a loaded machine
    let wrong = 0;
    for (let i = 0; i < 60_000; i++) {
      const h = 10 + (i % (slots - 10));
      if (held.has(h)) {
        if (arena.take(h) !== held.get(h)) wrong++;
        held.delete(h);
      }
      const s = `line ${i} ` + 'é'.repeat(i % 50);
      arena.put(h, s);
      held.set(h, s);
    }
    expect(wrong).toBe(0);
    // about 80 KB live: without moving the pinned lines, every segment since the first (about 16) would stay
    expect(arena.segmentCount).toBeLessThanOrEqual(4);
    for (const [h, s] of held) expect(arena.take(h)).toBe(s);
    expect(arena.segmentCount).toBeLessThanOrEqual(2);
  });

  it('keeps its live bytes within the budget, refusing lines past it, and holds at most about 1.5x the budget', () => {
    const arena = new SampleArena({ maxBytes: 64 * 1024 });
    const slots = 4000;
    arena.reserve(slots);
    const held = new Map<number, string>();
    let refused = 0;
    let wrong = 0;
    let maxHeld = 0;
    for (let i = 0; i < 100_000; i++) {
      const h = i % slots;
      if (held.has(h)) {
        if (arena.take(h) !== held.get(h)) wrong++;
        held.delete(h);
      }
      // a few long lines (kept as strings) count against the same budget
      const s = i % 997 === 0 ? 'L'.repeat(5000) : `line ${i} ` + 'ü'.repeat(i % 40);
      if (arena.put(h, s)) held.set(h, s);
      else refused++;
      if (arena.bytes > arena.maxBytes) wrong++;
      maxHeld = Math.max(maxHeld, arena.heldBytes);
    }
    expect(wrong).toBe(0);
    // 4000 lines of 10-90 bytes are about 200 KB: most are refused, the rest come back intact
    expect(refused).toBeGreaterThan(50_000);
    expect(held.size).toBeGreaterThan(500);
    // segments in use and pooled: at most 1.5x the budget and three more (strings counted alike)
    expect(maxHeld).toBeLessThanOrEqual(1.5 * arena.maxBytes + 3 * arena.segmentBytes + 10_000);
    for (const [h, s] of held) expect(arena.take(h)).toBe(s);
    expect(arena.bytes).toBe(0);
  });

  it('a budget of zero keeps nothing and a refused handle stays free', () => {
    const arena = new SampleArena({ maxBytes: 0 });
    arena.reserve(2);
    expect(arena.put(0, 'x')).toBe(false);
    expect(arena.put(1, '')).toBe(true);
    arena.release(0);
    expect(arena.take(1)).toBe('');
    expect(arena.heldBytes).toBeLessThanOrEqual(arena.segmentBytes);
  });
});
