/**
 * More merge invariants (merge-invariants.test.ts has the main ones), from the second
 * implementation written in parallel (branch miner2-point2). Counters follow the miner's merges: a template the miner merges into another (a position proved
 * variable) is counted, reported and learned once, under the surviving id.
 */
import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { EngineLine } from '../../src/detector/engine.js';
import type { DetectorRunResult } from '../../src/detector/run.js';
import { T0, MIN } from './detect-helpers.js';

const cfg = DEFAULT_DETECTION_CONFIG;

/** A small deterministic PRNG (mulberry32): a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// letters only, so no built-in masker turns them into <*>: only the miner's families can merge them
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november'];
const SHAPES: ReadonlyArray<(w: () => string) => string> = [
  (w) => `user ${w()} logged in from gateway`,
  (w) => `cache ${w()} evicted entry for tenant`,
  (w) => `job ${w()} finished with status done`,
  (w) => `replica ${w()} lagging behind primary ${w()}`,
  () => `worker pool resized to normal`,
  (w) => `connection to ${w()} reset by peer`,
];

/** `n` lines mixing the shapes, each varying word drawn from a pool of `pool` words. */
function mix(seed: number, n: number, from: number, spanMs: number, pool: number, lineNo0 = 0): EngineLine[] {
  const r = rng(seed);
  const words = WORDS.slice(0, pool);
  const w = () => words[Math.floor(r() * words.length)];
  const out: EngineLine[] = [];
  for (let i = 0; i < n; i++) {
    const content = SHAPES[Math.floor(r() * SHAPES.length)](w);
    const level = r() < 0.05 ? 'ERROR' : 'INFO';
    out.push({ content, raw: `${level} ${content}`, level, timestamp: from + Math.floor((i * spanMs) / n), stream: 'app', lineNo: lineNo0 + i + 1 });
  }
  return out;
}

function checkInvariants(r: DetectorRunResult, lines: number): void {
  // templates.csv adds up to the lines read
  expect(r.templates.reduce((s, t) => s + t.count, 0)).toBe(lines);
  expect(new Set(r.templates.map((t) => t.id)).size).toBe(r.templates.length);
  // every counted template is one the miner still knows
  const ids = new Set(r.templates.map((t) => t.id));
  for (const id of r.run.templates.keys()) expect(ids).toContain(id);
  // no template id appears in two findings of the same kind (frequency kinds name a bucket too)
  const seen = new Set<string>();
  for (const a of r.doc.anomalies) {
    expect(ids, `finding ${a.id} names a template templates.csv lacks`).toContain(a.templateId);
    if (a.kind === 'new_template' || a.kind === 'rare_template') {
      const key = `${a.kind}:${a.templateId}`;
      expect(seen, `${key} reported twice`).not.toContain(key);
      seen.add(key);
    }
  }
}

describe('counters follow merges', () => {
  it('a family merged mid-run is one new template with all its lines', async () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const lines: EngineLine[] = users.map((u, i) => ({
      content: `user ${u} logged in from gateway`,
      raw: `INFO user ${u} logged in from gateway`,
      level: 'INFO',
      timestamp: T0 + i * MIN,
      stream: 'app',
      lineNo: i + 1,
    }));
    const r = await runDetector([arraySource(lines)], { config: cfg });
    const users_ = r.templates.filter((t) => t.template.startsWith('user '));
    expect(users_).toEqual([{ id: expect.any(String), template: 'user <*> logged in from gateway', count: 6 }]);
    expect(r.run.templates.get(users_[0].id)?.count).toBe(6);
    // the survivor keeps the earliest samples of the family
    expect(r.run.templates.get(users_[0].id)?.samples.map((s) => s.lineNo)).toEqual([1, 2, 3]);
    checkInvariants(r, lines.length);
  });

  it('randomized line mixes that force merges keep every invariant', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const n = 200 + ((seed * 37) % 400);
      const lines = mix(seed, n, T0, 60 * MIN, 4 + (seed % 10));
      const r = await runDetector([arraySource(lines)], { config: cfg });
      checkInvariants(r, n);
    }
  });

  it('with a baseline: merges in the target window are reported under the surviving, learned id', async () => {
    for (let seed = 100; seed <= 110; seed++) {
      // the baseline sees few words (few merges); the target many (the families merge there)
      const base = mix(seed, 600, T0, 120 * MIN, 3);
      const target = mix(seed + 1, 600, T0 + 120 * MIN, 60 * MIN, 14, 600);
      const first = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(base)] });
      const r = await runDetector([arraySource(target)], { config: cfg, model: first.model });
      checkInvariants(r, target.length);
      // the model learned from this run names only templates the miner keeps
      const kept = new Set(r.templates.map((t) => t.id));
      for (const id of Object.keys(r.model.templates)) expect(kept, `model template ${id}`).toContain(id);
      // a second run on the same window with the learned model: same ids, no template is new
      const again = await runDetector([arraySource(target)], { config: cfg, model: r.model });
      expect(again.doc.anomalies.filter((a) => a.kind === 'new_template')).toEqual([]);
      checkInvariants(again, target.length);
    }
  });

  it('session signatures name surviving ids', async () => {
    const lines: EngineLine[] = [];
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
    users.forEach((u, i) => {
      for (const [k, text] of [`session s${i} user ${u} opened the cart`, `session s${i} checkout done for cart`].entries()) {
        lines.push({ content: text, raw: text, level: 'INFO', timestamp: T0 + i * MIN + k, stream: 'app', lineNo: lines.length + 1 });
      }
    });
    const r = await runDetector([arraySource(lines)], { config: cfg, sessionKey: 'session (s\\d+)' });
    const ids = new Set(r.templates.map((t) => t.id));
    for (const sig of Object.keys(r.sessions!.signatures)) for (const part of sig.split(' ')) expect(ids).toContain(part.slice(0, part.lastIndexOf('*')));
    // every session now has the same signature: one merged template once, checkout once
    expect(Object.values(r.sessions!.signatures)).toEqual([7]);
    checkInvariants(r, lines.length);
  });
});
