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

/** Signature -> sessions, to compare a whole run's outcome. */
const tally = (sigs: ReturnType<ReturnType<typeof createSessionTracker>['finish']>) => Object.fromEntries([...sigs].map(([sig, acc]) => [sig, acc.sessions]));

// A session closed by a sweep and seen again opens anew: its later lines make a signature of their
// own. That split is how these tests see which sessions a sweep closed.
describe('session tracker sweeps', () => {
  it('past capacity on ordered input, closes every idle session (not only the oldest two) and keeps a session exactly idleMs old or with no time', () => {
    const t = createSessionTracker({ maxOpen: 10, orderedInput: true, idleMs: 1000 });
    let n = 0;
    for (const k of ['s0', 's1', 's2', 's3']) t.add(k, 'a', line(++n), n); // idle at 5000
    t.add('nul', 'a', line(++n), null); // no time: never idle by time
    t.add('edge', 'a', line(++n), 4000); // 5000 - 4000 is not more than idleMs
    for (const k of ['w0', 'w1', 'w2', 'w3', 'w4']) t.add(k, 'b', line(++n), 5000); // the 11th session sweeps
    for (const k of ['s3', 'nul', 'edge', 'w0']) t.add(k, 'late', line(++n), 5001);
    const sigs = t.finish();
    expect(tally(sigs)).toEqual({ 'a*1': 4, 'late*1': 1, 'a*1 late*1': 2, 'b*1 late*1': 1, 'b*1': 4 });
    // the first three closed are the examples, in closing order
    expect(sigs.get('a*1')!.examples.map((e) => e.key)).toEqual(['s0', 's1', 's2']);
    expect(sigs.get('a*1 late*1')!.examples.map((e) => [e.key, e.first, e.last])).toEqual([
      ['nul', 5001, 5001],
      ['edge', 4000, 5001],
    ]);
    expect(t.dropped).toBe(0);
  });

  it('past capacity on ordered input with fewer idle sessions than the excess, the oldest still close down to 90%', () => {
    const t = createSessionTracker({ maxOpen: 10, orderedInput: true, idleMs: 1000 });
    t.add('s0', 'a', line(1), 0); // the only idle one
    for (let i = 1; i <= 10; i++) t.add(`s${i}`, 'b', line(2), 5000);
    for (const k of ['s1', 's2']) t.add(k, 'late', line(3), 5000);
    expect(tally(t.finish())).toEqual({ 'a*1': 1, 'b*1': 9, 'late*1': 1, 'b*1 late*1': 1 });
  });

  it('idle is judged by the latest time seen, not the line that triggers the sweep', () => {
    const t = createSessionTracker({ maxOpen: 5, orderedInput: true, idleMs: 1000 });
    for (const k of ['i0', 'i1', 'i2']) t.add(k, 'a', line(1), 0);
    for (const k of ['n0', 'n1']) t.add(k, 'b', line(2), 5000);
    // a straggler, 4,500 behind the latest: it and the three at 0 are idle, the two at 5000 are not
    t.add('x', 'c', line(3), 500);
    for (const k of ['i2', 'n1', 'x']) t.add(k, 'late', line(4), 5000);
    expect(tally(t.finish())).toEqual({ 'a*1': 3, 'late*1': 2, 'b*1': 1, 'b*1 late*1': 1, 'c*1': 1 });
  });

  it('a sweep remembers the oldest time still open, so the next sweep past capacity finds the sessions idle since', () => {
    const t = createSessionTracker({ maxOpen: 10, orderedInput: true, idleMs: 1000 });
    for (const k of ['i0', 'i1', 'i2']) t.add(k, 'a', line(1), 0);
    for (const k of ['x0', 'x1', 'x2']) t.add(k, 'x', line(2), 4500);
    for (let i = 0; i < 5; i++) t.add(`w${i}`, 'b', line(3), 5000); // sweeps: the three at 0 close
    // at 5800 the three at 4500 are idle (the ones at 5000 not): the next sweep closes all three, not just the two oldest
    for (let i = 0; i < 3; i++) t.add(`v${i}`, 'c', line(4), 5800);
    t.add('x2', 'late', line(5), 5800);
    expect(tally(t.finish())).toEqual({ 'a*1': 3, 'x*1': 3, 'late*1': 1, 'b*1': 5, 'c*1': 3 });
  });

  it('ordered input without idleMs closes sessions idle more than 30 minutes', () => {
    const t = createSessionTracker({ maxOpen: 10, orderedInput: true });
    const later = 30 * 60_000 + 1;
    for (const k of ['s0', 's1', 's2']) t.add(k, 'a', line(1), 0);
    t.add('edge', 'a', line(2), 1); // exactly 30 minutes before the latest
    for (let i = 0; i < 7; i++) t.add(`w${i}`, 'b', line(3), later);
    for (const k of ['s2', 'edge']) t.add(k, 'late', line(4), later);
    expect(tally(t.finish())).toEqual({ 'a*1': 3, 'late*1': 1, 'a*1 late*1': 1, 'b*1': 7 });
  });

  it('past capacity on unordered input closes the oldest sessions down to 90%, however long idle the others', () => {
    const t = createSessionTracker({ maxOpen: 10, idleMs: 1000 });
    for (let i = 0; i < 11; i++) t.add(`s${i}`, 'a', line(i), i < 5 ? 0 : 1e9);
    for (const k of ['s1', 's2']) t.add(k, 'late', line(20), 1e9);
    expect(tally(t.finish())).toEqual({ 'a*1': 10, 'late*1': 1, 'a*1 late*1': 1 });
  });

  it('at capacity (not past it) nothing is swept, idle or not', () => {
    const t = createSessionTracker({ maxOpen: 3, orderedInput: true, idleMs: 1000 });
    t.add('old', 'a', line(1), 0);
    t.add('p', 'b', line(2), 5000);
    t.add('q', 'b', line(3), 5000);
    t.add('old', 'again', line(4), 5000);
    expect(tally(t.finish())).toEqual({ 'a*1 again*1': 1, 'b*1': 2 });
  });

  it('every 65,536 lines a sweep closes idle sessions of ordered input, and only those while under capacity', () => {
    const t = createSessionTracker({ maxOpen: 5, orderedInput: true, idleMs: 1000 });
    t.add('nul', 'a', line(1), null);
    t.add('old', 'a', line(2), 0);
    t.add('edge', 'a', line(3), 4000);
    t.add('old', 'a', line(4), 2500); // idle by 5000, but no sweep runs before line 65,536
    for (let i = 5; i <= 65_536; i++) t.add('busy', 'b', line(i), 5000);
    for (const k of ['nul', 'old', 'edge']) t.add(k, 'late', line(0), 5000);
    expect(tally(t.finish())).toEqual({ 'a*1 late*1': 2, 'a*2': 1, 'late*1': 1, 'b*65532': 1 });
  });

  it('every 65,536 lines a sweep of unordered input under capacity closes nothing', () => {
    const t = createSessionTracker({ maxOpen: 3, idleMs: 1000 });
    t.add('p', 'a', line(1), 0);
    t.add('q', 'a', line(2), 0);
    for (let i = 3; i <= 65_536; i++) t.add('busy', 'b', line(i), 1e9);
    t.add('p', 'late', line(0), 1e9);
    expect(tally(t.finish())).toEqual({ 'a*1 late*1': 1, 'a*1': 1, 'b*65534': 1 });
  });

  it('past maxSignatures a new signature is dropped and counted; known ones still count', () => {
    const t = createSessionTracker({ maxSignatures: 2 });
    const keys: [string, string][] = [['k1', 'a'], ['k2', 'b'], ['k3', 'c'], ['k4', 'a'], ['k5', 'c'], ['k6', 'b'], ['k7', 'a'], ['k8', 'a']];
    keys.forEach(([k, id], i) => t.add(k, id, line(i), i));
    const sigs = t.finish();
    expect(tally(sigs)).toEqual({ 'a*1': 4, 'b*1': 2 });
    expect(t.dropped).toBe(2);
    // three examples a signature, the first closed
    expect(sigs.get('a*1')!.examples.map((e) => [e.key, e.samples.map((s) => s.lineNo)])).toEqual([
      ['k1', [0]],
      ['k4', [3]],
      ['k7', [6]],
    ]);
  });
});
