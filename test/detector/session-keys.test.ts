/**
 * The open sessions' key table agrees with a Map<string, number> (lookups, opening order,
 * removal in any order, growth) for short, long and non-Latin-1 keys, and gives keys back intact.
 */
import { describe, expect, it } from 'vitest';
import { SessionKeys } from '../../src/detector/detect/session-keys.js';

describe('session keys', () => {
  it('behaves as a Map in opening order under random opens and closes', () => {
    const keys = new SessionKeys();
    const ref = new Map<string, number>();
    const free: number[] = [];
    let used = 0;
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const keyFor = (i: number) =>
      i % 53 === 0 ? `long-${i}-`.padEnd(60, 'x') : i % 31 === 0 ? `日本-${i}` : i % 17 === 0 ? `é${i}` : (i * 2654435761 >>> 0).toString(16).padStart(16, '0');
    let wrong = 0;
    for (let step = 0; step < 40_000; step++) {
      const key = keyFor(rand(3000));
      const at = keys.find(key);
      if (at !== (ref.get(key) ?? -1)) wrong++;
      if (at === -1 && rand(3) > 0) {
        const slot = free.pop() ?? used++;
        keys.reserve(used);
        keys.insert(key, slot);
        ref.set(key, slot);
      } else if (at !== -1 && rand(2) === 0) {
        keys.remove(at);
        ref.delete(key);
        free.push(at);
      }
    }
    expect(wrong).toBe(0);
    expect(keys.size).toBe(ref.size);
    const order: [string, number][] = [];
    for (let s = keys.oldest(); s !== -1; s = keys.after(s)) order.push([keys.keyOf(s), s]);
    expect(order).toEqual([...ref]);
    // close everything oldest first, as the tracker does
    for (let s = keys.oldest(), next: number; s !== -1; s = next) {
      next = keys.after(s);
      keys.remove(s);
    }
    expect(keys.size).toBe(0);
    for (const k of ref.keys()) expect(keys.find(k)).toBe(-1);
  });

  it('a key cut from a line comes back as its own string', () => {
    const keys = new SessionKeys();
    keys.reserve(2);
    const line = 'GET /x req=00ab12cd34ef5678 200';
    keys.insert(line.slice(11, 27), 0);
    keys.insert('', 1);
    expect(keys.find('00ab12cd34ef5678')).toBe(0);
    expect(keys.keyOf(0)).toBe('00ab12cd34ef5678');
    expect(keys.find('')).toBe(1);
    expect(keys.keyOf(1)).toBe('');
  });
});
