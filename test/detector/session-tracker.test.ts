import { describe, expect, it } from 'vitest';
import { createSessionTracker } from '../../src/detector/detect/sessions.js';

const line = (n: number, stream = 'api') => ({ raw: `line ${n}`, lineNo: n, stream });

describe('session tracker', () => {
  it('counts templates in first-seen order, past the inline slots, and keeps the first three lines', () => {
    const t = createSessionTracker();
    const ids = Array.from({ length: 11 }, (_, i) => `t${String.fromCharCode(107 - i)}`); // tk, tj, ... ta
    let n = 0;
    for (const id of ids) t.add('s1', id, line(++n), 1000 + n);
    for (const id of [ids[9], ids[0], ids[10], ids[10]]) t.add('s1', id, line(++n), 1000 + n);
    const sigs = t.finish();
    expect(sigs.size).toBe(1);
    const [sig, acc] = [...sigs][0];
    // the signature sorts ids; the counts Map keeps first-seen order
    expect(sig.split(' ')[0]).toBe('ta*3');
    expect([...acc.counts.keys()]).toEqual(ids);
    expect(acc.counts.get('tk')).toBe(2);
    expect(acc.counts.get('tb')).toBe(2);
    expect(acc.counts.get('ta')).toBe(3);
    const ex = acc.examples[0];
    expect([ex.key, ex.first, ex.last]).toEqual(['s1', 1001, 1015]);
    expect(ex.samples.map((s) => [s.line, s.lineNo, s.timestamp])).toEqual([
      ['line 1', 1, 1001],
      ['line 2', 2, 1002],
      ['line 3', 3, 1003],
    ]);
  });

  it('keeps null times apart from real ones and takes the first time a session gets', () => {
    const t = createSessionTracker();
    t.add('a', 'x', line(1), null);
    t.add('a', 'y', line(2), 50);
    t.add('a', 'y', line(3), 20);
    t.add('b', 'x', line(4), null);
    const sigs = t.finish();
    const a = sigs.get('x*1 y*2')!.examples[0];
    expect([a.first, a.last]).toEqual([20, 50]);
    expect(a.samples.map((s) => s.timestamp)).toEqual([null, 50, 20]);
    const b = sigs.get('x*1')!.examples[0];
    expect([b.first, b.last]).toEqual([null, null]);
  });

  it('closes the oldest sessions past capacity and idle ones on ordered input; slots are reused cleanly', () => {
    const t = createSessionTracker({ maxOpen: 4, orderedInput: true, idleMs: 1000 });
    for (let i = 0; i < 20; i++) t.add(`k${i}`, i % 2 ? 'odd' : 'even', line(i), i * 10);
    // a late line of an early session opens a new session (the first was closed for capacity)
    t.add('k0', 'late', line(99), 500);
    const sigs = t.finish();
    const total = [...sigs.values()].reduce((n, a) => n + a.sessions, 0);
    expect(total).toBe(21);
    expect(sigs.get('late*1')!.examples[0].samples.map((s) => s.line)).toEqual(['line 99']);
    expect(sigs.get('even*1')!.sessions).toBe(10);
  });

  it('past its sample budget a session keeps its first line only, then none, and samples stay its own first lines', () => {
    // 3,000 sessions of four lines, each 100 sessions with a signature of their own; about 90 bytes a line against 64 KB
    const t = createSessionTracker({ sampleBytes: 64 * 1024, maxSignatures: 1_000_000 });
    const raw = (s: number, k: number) => `2026-12-04 10:00:00 INFO api: request req=${s.toString(16).padStart(16, '0')} step ${k}`;
    for (let s = 0; s < 3000; s++) for (let k = 0; k < 4; k++) t.add(`s${s}`, k ? `step${k}` : `g${Math.floor(s / 100)}`, { raw: raw(s, k), lineNo: s * 4 + k, stream: s % 2 ? 'a' : 'b' }, s);
    const sigs = [...t.finish().values()];
    expect(sigs).toHaveLength(30);
    const kept: number[] = [];
    for (const acc of sigs) {
      for (const ex of acc.examples) {
        const s = Number(ex.key.slice(1));
        expect(ex.samples.map((x) => x.line)).toEqual([0, 1, 2].slice(0, ex.samples.length).map((k) => raw(s, k)));
        expect(ex.samples.map((x) => x.stream)).toEqual(ex.samples.map(() => (s % 2 ? 'a' : 'b')));
        kept.push(ex.samples.length);
      }
    }
    // in opening order: three lines while there is room, then the first line only, then none
    expect(kept).toEqual([...kept].sort((a, b) => b - a));
    expect(new Set(kept)).toEqual(new Set([3, 1, 0]));
  });

  it('open sessions hold their sample bytes within the budget however many open', () => {
    const t = createSessionTracker({ sampleBytes: 32 * 1024, maxSignatures: 1_000_000, maxOpen: 100_000 });
    const seen: number[] = [];
    for (let s = 0; s < 20_000; s++) t.add(`k${s}`, 'x', { raw: `a line of session ${s} `.padEnd(80, '.'), lineNo: s, stream: 'api' }, s);
    // closing reports sessions in opening order: the late ones kept nothing
    for (const acc of t.finish().values()) for (const ex of acc.examples) seen.push(ex.samples.length);
    expect(seen).toEqual([1, 1, 1]);
  });
});
