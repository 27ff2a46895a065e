import { describe, expect, it } from 'vitest';
import { createSessionScorer } from '../../src/detector/detect/session-score.js';
import { detectSessions } from '../../src/detector/detect/session-detector.js';
import { mergeSessions, parseSignature, signatureOf, toModelData, type SignatureAcc, type SessionExample, type SessionModelData } from '../../src/detector/detect/sessions.js';

/**
 * Session scoring on its own: which invariants normal sessions teach, which signatures break them
 * and whom each finding blames, without a log to mine.
 */

const model = (signatures: Record<string, number>): SessionModelData => ({ sessions: Object.values(signatures).reduce((s, n) => s + n, 0), signatures });
const counts = (sig: string) => parseSignature(sig);

describe('session scorer', () => {
  it('learns "as often as" invariants from normal sessions and blames the template that fell short', () => {
    const s = createSessionScorer(model({ 'a*1 b*1': 100, 'a*2 b*2': 10, 'c*1': 50 }));
    expect(s.invariants).toEqual([{ a: 'a', b: 'b', ra: 1, rb: 1 }]);
    expect(s.score(counts('a*1 b*1'), 'a*1 b*1')).toBeNull();
    // an unknown signature that keeps every invariant is not suspicious
    expect(s.score(counts('a*3 b*3'), 'a*3 b*3')).toBeNull();
    expect(s.score(counts('a*2 b*1'), 'a*2 b*1')).toEqual({ score: 3, templateId: 'b', reasons: [{ type: 'broken_invariant', inv: s.invariants[0], countA: 2, countB: 1 }] });
    expect(s.score(counts('a*1 b*3'), 'a*1 b*3')?.templateId).toBe('a');
    expect(s.score(counts('a*1'), 'a*1')?.templateId).toBe('b');
    expect(s.score(counts('b*1 c*1'), 'b*1 c*1')?.templateId).toBe('a');
  });

  it('a template normal sessions never have scores 4 and is blamed first', () => {
    const s = createSessionScorer(model({ 'a*1 b*1': 100 }));
    const v = s.score(counts('a*1 b*2 z*3'), 'a*1 b*2 z*3');
    expect(v?.templateId).toBe('z');
    expect(v?.score).toBe(7);
    expect(v?.reasons[0]).toEqual({ type: 'unseen_template', templateId: 'z', count: 3 });
    expect(v?.reasons[1].type).toBe('broken_invariant');
  });

  it('each further broken invariant adds half a point, up to 10', () => {
    const s = createSessionScorer(model({ 'a*1 b*1 c*1 d*1': 100 }));
    expect(s.invariants).toHaveLength(6);
    // a missing: a-b, a-c, a-d broken
    expect(s.score(counts('b*1 c*1 d*1'), 'b*1 c*1 d*1')?.score).toBe(4);
    const wild = createSessionScorer(model({ 'a*1 b*1': 100 }));
    expect(wild.score(counts('p*1 q*1 r*1'), 'p*1 q*1 r*1')?.score).toBe(10);
  });

  it('invariants need ten sessions of support and at most 0.5% of them broken (by default)', () => {
    expect(createSessionScorer(model({ 'a*1 b*1': 9 })).invariants).toEqual([]);
    expect(createSessionScorer(model({ 'a*1 b*1': 10 })).invariants).toHaveLength(1);
    expect(createSessionScorer(model({ 'a*1 b*1': 9 }), { minSupport: 5 }).invariants).toHaveLength(1);
    // 5 of 1,005 (0.498%) broken: still an invariant; 6 of 1,006 (0.596%): not
    expect(createSessionScorer(model({ 'a*1 b*1': 1000, 'a*1': 5 })).invariants).toHaveLength(1);
    expect(createSessionScorer(model({ 'a*1 b*1': 1000, 'a*1': 6 })).invariants).toEqual([]);
    expect(createSessionScorer(model({ 'a*1 b*1': 1000, 'a*1': 6 }), { tolerance: 0.01 }).invariants).toHaveLength(1);
  });

  it('ratios other than 1:1 are learned reduced; a template usually absent beside the other gives none', () => {
    const s = createSessionScorer(model({ 'a*2 b*1': 50, 'a*4 b*2': 50 }));
    expect(s.invariants).toEqual([{ a: 'a', b: 'b', ra: 2, rb: 1 }]);
    expect(s.score(counts('a*6 b*3'), 'a*6 b*3')).toBeNull();
    expect(s.score(counts('a*2 b*2'), 'a*2 b*2')?.templateId).toBe('a');
    expect(createSessionScorer(model({ 'a*1': 50, 'a*1 b*1': 20 })).invariants).toEqual([]);
    expect(createSessionScorer(model({ 'b*1': 50, 'a*1 b*1': 20 })).invariants).toEqual([]);
  });

  it('with a rare share, templates and signatures at or under it count as unseen', () => {
    const s = createSessionScorer(model({ 'a*1': 97, 'a*1 r*1': 3 }), { rareShare: 0.04 });
    expect(s.score(counts('a*1 r*1'), 'a*1 r*1')?.reasons).toEqual([{ type: 'unseen_template', templateId: 'r', count: 1 }]);
    expect(s.score(counts('a*1'), 'a*1')).toBeNull();
    // at exactly the share: the signature is known, its template still rare in any other signature
    const t = createSessionScorer(model({ 'a*1': 96, 'a*1 r*1': 4 }), { rareShare: 0.04 });
    expect(t.score(counts('a*1 r*1'), 'a*1 r*1')).toBeNull();
    expect(t.score(counts('a*1 r*2'), 'a*1 r*2')?.templateId).toBe('r');
    const u = createSessionScorer(model({ 'a*1': 95, 'a*1 r*1': 5 }), { rareShare: 0.04 });
    expect(u.score(counts('a*1 r*2'), 'a*1 r*2')).toBeNull();
  });
});

function acc(sig: string, sessions: number, examples: Partial<SessionExample>[]): [string, SignatureAcc] {
  return [sig, { counts: parseSignature(sig), sessions, examples: examples.map((e, i) => ({ key: `k${i}`, first: null, last: null, samples: [], ...e })) }];
}
const sample = (n: number) => ({ line: `line ${n}`, lineNo: n, stream: 'app', timestamp: n * 1000 });
const text = (id: string) => ({ open: 'charge started for <*>', done: 'charge completed for <*>', boom: 'a very long template text that goes on and on past sixty characters for sure' })[id] ?? id;

describe('session findings', () => {
  const normal = model({ 'done*1 open*1': 500 });

  it('signatures broken the same way are one finding: sessions summed, three examples, times over all of them', () => {
    const sigs = new Map([
      acc('done*1 open*1', 500, [{}]),
      acc('open*2 done*1', 3, [{ key: 's1', first: 5000, last: 9000, samples: [sample(5), sample(6)] }, { key: 's2', first: null, last: 8000, samples: [sample(7)] }]),
      acc('open*3 done*1', 2, [{ key: 's3', first: 4000, last: 12000, samples: [sample(8)] }, { key: 's4', first: 1, last: 2, samples: [sample(9)] }]),
    ]);
    const out = detectSessions(sigs, normal, text);
    expect(out).toHaveLength(1);
    const f = out[0];
    expect(f.count).toBe(5);
    expect(f.kind).toBe('session_anomaly');
    expect(f.templateId).toBe('done');
    expect(f.template).toBe('charge completed for <*>');
    expect(f.id).toBe('session_anomaly:done:s1');
    expect(f.session).toBe('s1');
    expect(f.score).toBe(3);
    expect(f.severity).toBe('low');
    expect(f.expected).toBeNull();
    expect([f.firstSeen, f.lastSeen]).toEqual([4000, 12000]);
    expect(f.samples.map((s) => s.lineNo)).toEqual([5, 6, 7]);
    expect(f.explanation).toBe('5 sessions (e.g. s1): "charge completed for <*>" 1x but "charge started for <*>" 2x, which normal sessions have equally often');
  });

  it('one session is named; an unseen template is error-level; long template text is cut', () => {
    const sigs = new Map([acc('boom*2 done*1 open*1', 1, [{ key: 'req-9', samples: [sample(1)] }])]);
    const [f] = detectSessions(sigs, normal, text);
    expect(f.explanation).toBe(`session req-9: "${text('boom').slice(0, 59)}…" (2x) never occurs in normal sessions`);
    expect(f.score).toBe(4);
    // score 4 is medium, one band up for a template normal sessions never have
    expect(f.severity).toBe('high');
    expect([f.firstSeen, f.lastSeen]).toEqual([null, null]);
  });

  it('a ratio other than 1:1 is quoted; only the first two reasons are explained', () => {
    const ratio = model({ 'a*2 b*1 c*1': 100 });
    const sigs = new Map([acc('a*1 b*1 c*2', 1, [{ key: 'x' }])]);
    const [f] = detectSessions(sigs, ratio, (id) => id);
    expect(f.explanation).toBe('session x: "a" 1x but "b" 1x, which normal sessions have in a 2:1 ratio; "a" 1x but "c" 2x, which normal sessions have in a 2:1 ratio');
  });

  it('more sessions weigh into severity; findings sort by score, then by sessions', () => {
    const sigs = new Map([
      acc('open*2 done*1', 1, [{ key: 'one' }]),
      acc('zz*1 done*1 open*1', 1, [{ key: 'unseen' }]),
      acc('p*2 q*1', 200, [{ key: 'many' }]),
    ]);
    const out = detectSessions(sigs, model({ 'done*1 open*1': 500, 'p*1 q*1': 500 }), text);
    expect(out.map((f) => f.session)).toEqual(['unseen', 'many', 'one']);
    // 3 + log10(200) = 5.3: medium; 3 + log10(1): low
    expect(out.map((f) => f.severity)).toEqual(['high', 'medium', 'low']);
  });

  it('without a baseline the run is its own model: only rare signatures that break its invariants', () => {
    const sigs = new Map([acc('done*1 open*1', 2000, [{ key: 'ok' }]), acc('open*1', 3, [{ key: 'lost' }]), acc('done*2 open*2', 10, [{ key: 'twice' }])]);
    const out = detectSessions(sigs, null, text);
    expect(out.map((f) => f.session)).toEqual(['lost']);
    expect(detectSessions(sigs, { sessions: 0, signatures: {} }, text).map((f) => f.session)).toEqual(['lost']);
    // 3 of 2,013 (0.15%) is under the 0.2% the run needs to call a signature normal; 5 of 2,015 is not
    const common = new Map([acc('done*1 open*1', 2000, [{ key: 'ok' }]), acc('open*1', 5, [{ key: 'lost' }])]);
    expect(detectSessions(common, null, text)).toEqual([]);
    expect(detectSessions(new Map(), normal, text)).toEqual([]);
  });

  it('at most 100 findings, the highest scores', () => {
    const many = new Map(Array.from({ length: 120 }, (_, i) => acc(`u${i}*1 done*1 open*${i < 10 ? 2 : 1}`, 1, [{ key: `s${i}` }])));
    const out = detectSessions(many, normal, text);
    expect(out).toHaveLength(100);
    expect(out.slice(0, 10).map((f) => f.score)).toEqual(Array(10).fill(7));
    expect(out[10].score).toBe(4);
  });
});

describe('signatures and session models', () => {
  it('a signature lists ids sorted by code unit, each with its count; parsing gives the counts back', () => {
    const sig = signatureOf(new Map([['b', 1], ['a10', 2], ['a2', 3], ['B', 4]]));
    expect(sig).toBe('B*4 a10*2 a2*3 b*1');
    expect([...parseSignature(sig)]).toEqual([['B', 4], ['a10', 2], ['a2', 3], ['b', 1]]);
    expect([...parseSignature('x*y*7')]).toEqual([['x*y', 7]]);
    expect(parseSignature('').size).toBe(0);
    expect(signatureOf(new Map())).toBe('');
  });

  it('model data keeps the most common signatures and counts every session', () => {
    const sigs = new Map([acc('a*1', 5, []), acc('b*1', 50, []), acc('c*1', 7, [])]);
    expect(toModelData(sigs, 2)).toEqual({ sessions: 62, signatures: { 'b*1': 50, 'c*1': 7 } });
    expect(Object.keys(toModelData(sigs).signatures)).toEqual(['b*1', 'c*1', 'a*1']);
  });

  it('merging models adds sessions and signature counts and keeps the most common', () => {
    const a = { sessions: 10, signatures: { 'a*1': 6, 'b*1': 4 } };
    const b = { sessions: 5, signatures: { 'b*1': 3, 'c*1': 2 } };
    expect(mergeSessions(null, b)).toBe(b);
    expect(mergeSessions(a, b)).toEqual({ sessions: 15, signatures: { 'b*1': 7, 'a*1': 6, 'c*1': 2 } });
    expect(Object.keys(mergeSessions(a, b).signatures)).toEqual(['b*1', 'a*1', 'c*1']);
    expect(mergeSessions(a, b, 2).signatures).toEqual({ 'b*1': 7, 'a*1': 6 });
  });
});

describe('invariant learning, edges', () => {
  it('only templates with minSupport sessions take part; the more common template is an invariant\'s `a`', () => {
    // z in 11 sessions, a in 6: with tolerance 0.5 the 5 without a still allow an invariant, but a lacks support
    const m = model({ 'a*1 z*1': 6, 'z*1': 5 });
    expect(createSessionScorer(m, { tolerance: 0.5 }).invariants).toEqual([]);
    expect(createSessionScorer(m, { tolerance: 0.5, minSupport: 6 }).invariants).toEqual([{ a: 'z', b: 'a', ra: 1, rb: 1 }]);
  });

  it('the ratio learned is the most common one, not the first seen', () => {
    expect(createSessionScorer(model({ 'a*1 b*2': 3, 'a*1 b*1': 1000 })).invariants).toEqual([{ a: 'a', b: 'b', ra: 1, rb: 1 }]);
  });

  it('sessions with either template count against an invariant, including those without its `a`', () => {
    // b in 102 sessions, a in 101: b is `a`; 'a*1' lacks it and breaks 1:1 like 'b*1' does (3 of 103, 2.9%)
    const m = model({ 'a*1 b*1': 100, 'a*1': 1, 'b*1': 2 });
    expect(createSessionScorer(m, { tolerance: 0.025 }).invariants).toEqual([]);
    expect(createSessionScorer(m, { tolerance: 0.03 }).invariants).toEqual([{ a: 'b', b: 'a', ra: 1, rb: 1 }]);
  });

  it('a share broken of exactly the tolerance still gives an invariant', () => {
    expect(createSessionScorer(model({ 'a*1 b*1': 30, 'a*1': 10 }), { tolerance: 0.25 }).invariants).toEqual([{ a: 'a', b: 'b', ra: 1, rb: 1 }]);
  });

  it('"never together" is not an invariant', () => {
    // b is almost never beside a: the best ratio is 1:0, which says nothing a session can break
    expect(createSessionScorer(model({ 'a*1': 5000, 'a*1 b*1': 10 })).invariants).toEqual([]);
  });

  it('a 1:2 invariant holds for 2:4 and blames the template that fell short', () => {
    const s = createSessionScorer(model({ 'a*1 b*2': 100 }));
    expect(s.invariants).toEqual([{ a: 'a', b: 'b', ra: 1, rb: 2 }]);
    expect(s.score(counts('a*2 b*4'), 'a*2 b*4')).toBeNull();
    expect(s.score(counts('a*3 b*2'), 'a*3 b*2')?.templateId).toBe('b');
    expect(s.score(counts('a*1 b*3'), 'a*1 b*3')?.templateId).toBe('a');
  });

  it('a finding with an unseen template among its reasons is error-level though not all its reasons are unseen templates', () => {
    // unseen z (4) and the broken a-b (3): 7, high; error-level lifts it to critical
    const s = createSessionScorer(model({ 'a*1 b*1': 100 }));
    expect(s.score(counts('a*2 b*1 z*1'), 'a*2 b*1 z*1')?.score).toBe(7);
    const [f] = detectSessions(new Map([acc('a*2 b*1 z*1', 1, [{ key: 'k' }])]), model({ 'a*1 b*1': 100 }), (id) => id);
    expect(f.severity).toBe('critical');
  });
});
