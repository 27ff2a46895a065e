/**
 * The miner merges template families mid-run; the engine's counters, findings and templates.csv
 * must follow the surviving id. Invariants checked on fixed and randomized line mixes that force
 * merges (a word position that takes many values becomes a variable only after several lines).
 */
import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG, templatesCsv } from '../../src/detector/index.js';
import type { DetectorRunResult } from '../../src/detector/index.js';
import type { EngineLine } from '../../src/detector/engine.js';
import { line, T0, MIN } from './detect-helpers.js';

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
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

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango'];
const STATES = ['queued', 'running', 'paused', 'stopped', 'failed', 'retrying', 'draining', 'done'];

/** Message shapes whose word positions vary: each forces family merges once enough values are seen. */
const SHAPES: ((r: () => number) => string)[] = [
  (r) => `worker ${pick(r, WORDS)} finished job for tenant`,
  (r) => `cache ${pick(r, WORDS)} evicted entry from shard ${pick(r, WORDS)}`,
  (r) => `scheduler moved task to ${pick(r, STATES)} state quickly`,
  (r) => `replica ${pick(r, WORDS)} lagging behind primary node`,
  () => `heartbeat ok from monitor`,
  (r) => `user login accepted via ${pick(r, ['password', 'publickey', 'token'])} method`,
];

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function mix(seed: number, n: number, start: number): EngineLine[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const shape = SHAPES[Math.floor(r() * SHAPES.length)];
    return line(start + Math.floor((i * 60 * MIN) / n), shape(r), r() < 0.05 ? 'ERROR' : 'INFO');
  });
}

function checkInvariants(r: DetectorRunResult, linesRead: number): void {
  const written = r.templates.filter((t) => t.count > 0);
  const csv = templatesCsv(written);
  // the counts in templates.csv add up to the lines read
  const csvTotal = csv
    .trim()
    .split('\n')
    .slice(1)
    .reduce((s, row) => s + Number(row.slice(row.lastIndexOf(',') + 1)), 0);
  expect(csvTotal).toBe(linesRead);
  const ids = new Set(written.map((t) => t.id));
  expect(ids.size).toBe(written.length);
  const seen = new Set<string>();
  for (const a of r.doc.anomalies) {
    if (a.templateId === undefined || a.templateId === null) continue;
    // every finding's template is in templates.csv
    expect(ids.has(a.templateId), `${a.kind} ${a.templateId} not in templates.csv`).toBe(true);
    if (a.kind === 'new_template' || a.kind === 'rare_template') {
      // a template is new (or rare) once
      const key = `${a.kind}:${a.templateId}`;
      expect(seen.has(key), `${key} reported twice`).toBe(false);
      seen.add(key);
    }
  }
  // the run's accumulators are keyed by surviving ids only
  for (const id of r.run.templates.keys()) expect(ids.has(id) || r.run.templates.get(id)!.count === 0).toBe(true);
}

describe('counters follow template merges', () => {
  it('a family merged mid-run is one template, reported once, with every line counted', async () => {
    // baseline: only the heartbeat; then a word position takes 10 values: 4+ distinct values merge
    const base = Array.from({ length: 50 }, (_, i) => line(T0 + i * MIN, 'heartbeat ok from monitor'));
    const input = WORDS.slice(0, 10).flatMap((w, i) => [
      line(T0 + 2 * 60 * MIN + i * MIN, `worker ${w} finished job for tenant`),
      line(T0 + 2 * 60 * MIN + i * MIN + 1, 'heartbeat ok from monitor'),
    ]);
    const r = await runDetector([arraySource(input)], { config: DEFAULT_DETECTION_CONFIG, baselineSources: [arraySource(base)] });
    checkInvariants(r, input.length);
    const fresh = r.doc.anomalies.filter((a) => a.kind === 'new_template');
    expect(fresh).toHaveLength(1);
    expect(fresh[0].template).toBe('worker <*> finished job for tenant');
    expect(fresh[0].count).toBe(10);
    const worker = r.templates.find((t) => t.id === fresh[0].templateId)!;
    expect(worker.count).toBe(10);
  });

  it('randomized mixes keep the invariants (no baseline: rare_template; with a baseline: new_template)', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const n = 200 + ((seed * 97) % 600);
      const input = mix(seed, n, T0 + 3 * 60 * MIN);
      const alone = await runDetector([arraySource(input)], { config: DEFAULT_DETECTION_CONFIG, sessionKey: 'tenant|shard (\\w+)' });
      checkInvariants(alone, n);
      // a baseline that saw only part of the shapes, so the target has new templates that merge
      const base = mix(seed + 1000, 150, T0).filter((l) => !l.content.startsWith('cache'));
      const vs = await runDetector([arraySource(input)], { config: DEFAULT_DETECTION_CONFIG, baselineSources: [arraySource(base)] });
      checkInvariants(vs, n);
      // template ids are stable: the model's miner state maps each merged text to one id
      const again = await runDetector([arraySource(input)], { config: DEFAULT_DETECTION_CONFIG, model: vs.model });
      checkInvariants(again, n);
      // the model names only templates its miner state has (merged ids folded into survivors)
      const known = new Set((again.model.miner!.data as { templates: { id: string }[] }).templates.map((t) => t.id));
      for (const id of Object.keys(again.model.templates)) expect(known.has(id), `model template ${id} unknown to its miner (seed ${seed})`).toBe(true);
      const idOf = (res: DetectorRunResult) => new Map(res.templates.filter((t) => t.count > 0).map((t) => [t.template, t.id]));
      for (const [text, id] of idOf(again)) {
        const before = idOf(vs).get(text);
        if (before !== undefined) expect(id, `${text} changed id between runs (seed ${seed})`).toBe(before);
      }
    }
  });
});
