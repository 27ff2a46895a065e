import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { BaselineModel } from '../../src/detector/index.js';
import type { Anomaly } from '../../src/detector/anomalies-schema.js';
import { line, spread, byTime, T0, MIN } from './detect-helpers.js';

/**
 * What new_template, rare_template and error_rate_surge say and how sure they are: score,
 * severity and explanation for each level and size, against numbers worked out here.
 */

const HOUR = 60 * MIN;
const cfg = DEFAULT_DETECTION_CONFIG;

/** Logins 10 per 5 min, heartbeats every 5 s, two warnings per 5 min. */
function normal(from: number, ms: number) {
  return byTime([
    ...spread(from, ms, Math.round((ms / (5 * MIN)) * 10), (i) => `user u${1000 + (i % 97)} logged in from 10.0.${i % 9}.${i % 200}`),
    ...spread(from, ms, Math.round(ms / 5000), (i) => `heartbeat worker-${i % 3} queue depth ${i % 11}`),
    ...spread(from, ms, Math.round((ms / (5 * MIN)) * 2), (i) => `slow query took ${200 + i}ms on table orders`, 'WARN'),
  ]);
}

let model: BaselineModel | undefined;
async function baselineModel(): Promise<BaselineModel> {
  model ??= (await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(normal(T0, 2 * HOUR))] })).model;
  return model;
}

const kind = (as: readonly Anomaly[], k: string) => as.filter((a) => a.kind === k);
const round2 = (x: number) => Math.round(x * 100) / 100;

describe('new_template', () => {
  it('scores 3 plus up to 4 for its size, plus 1.5 for warnings and 3 for errors; severity by level and size', async () => {
    const m = await baselineModel();
    const start = T0 + 2 * HOUR;
    const at = start + 10 * MIN;
    const input = byTime([
      ...normal(start, HOUR),
      line(at, 'cache warmup finished for shard alpha'),
      ...spread(at, 20 * MIN, 3, (i) => `retrying upload of chunk ${i} to bucket archive`, 'WARN'),
      ...spread(at, 30 * MIN, 120, (i) => `replica ${i} lost quorum on term ${i * 3}`, 'ERROR'),
      ...spread(at, 30 * MIN, 150, (i) => `compaction pass ${i} merged segments into level ${i % 4}`),
    ]);
    const r = await runDetector([arraySource(input)], { config: cfg, model: m });
    const news = new Map(kind(r.doc.anomalies, 'new_template').map((a) => [a.count, a]));
    expect([...news.keys()].sort((a, b) => a - b)).toEqual([1, 3, 120, 150]);
    const got = (n: number) => [news.get(n)!.score, news.get(n)!.severity];
    expect(got(1)).toEqual([round2(3 + 2 * Math.log10(2)), 'low']);
    expect(got(3)).toEqual([round2(3 + 2 * Math.log10(4) + 1.5), 'medium']);
    expect(got(120)).toEqual([10, 'critical']);
    expect(got(150)).toEqual([7, 'medium']);
    const once = news.get(1)!;
    expect(once.explanation).toBe(`never seen in the baseline (${m.lines.toLocaleString('en-US')} lines learned); appeared once between 2026-11-26 10:10:00 UTC and 2026-11-26 10:10:00 UTC`);
    expect(once).toMatchObject({ id: `new_template:${once.templateId}`, expected: 0, firstSeen: at, lastSeen: at, stream: 'app', template: 'cache warmup finished for shard alpha' });
    expect(once.samples.map((s) => s.timestamp)).toEqual([at]);
    expect(news.get(3)!.explanation).toMatch(/; appeared 3 times between 2026-11-26 10:10:00 UTC and 2026-11-26 10:23:20 UTC, 3 of them at WARN level$/);
    expect(news.get(120)!.explanation).toMatch(/, 120 of them at ERROR level$/);
    expect(news.get(150)!.samples).toHaveLength(3);
  });

  it('an error template of fewer than 100 lines is high; a template the baseline knows is not new', async () => {
    const m = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start, 30 * MIN, 99, (i) => `replica ${i} lost quorum on term ${i * 3}`, 'ERROR')]);
    const r = await runDetector([arraySource(input)], { config: cfg, model: m });
    expect(kind(r.doc.anomalies, 'new_template').map((a) => [a.count, a.severity])).toEqual([[99, 'high']]);
  });

  it('a new template with one ERROR line among INFO ones is error-level, its one error counted', async () => {
    const m = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start, 10 * MIN, 4, (i) => `token refresh for client c${i} rejected`), line(start + 20 * MIN, 'token refresh for client c9 rejected', 'ERROR')]);
    const r = await runDetector([arraySource(input)], { config: cfg, model: m });
    const [a] = kind(r.doc.anomalies, 'new_template');
    expect([a.count, a.severity, a.score]).toEqual([5, 'high', round2(3 + 2 * Math.log10(6) + 3)]);
    expect(a.explanation).toMatch(/, 1 of them at ERROR level$/);
  });
});

describe('new_template at 100 lines', () => {
  it('an error template of 100 lines is critical, an ordinary one medium', async () => {
    const m = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([
      ...normal(start, HOUR),
      ...spread(start, 30 * MIN, 100, (i) => `replica ${i} lost quorum on term ${i * 3}`, 'ERROR'),
      ...spread(start, 30 * MIN, 100, (i) => `compaction pass ${i} merged segments into level ${i % 4}`),
    ]);
    const r = await runDetector([arraySource(input)], { config: cfg, model: m });
    expect(kind(r.doc.anomalies, 'new_template').map((a) => [a.template.split(' ')[0], a.count, a.severity]).sort()).toEqual([
      ['compaction', 100, 'medium'],
      ['replica', 100, 'critical'],
    ]);
  });
});

describe('rare_template', () => {
  it('sorted by score, not by first appearance', async () => {
    const input = byTime([...normal(T0, HOUR), line(T0 + 1000, 'config reload picked up new routes'), line(T0 + 50 * MIN, 'kernel: segfault at 0000 ip 7f3a rare event', 'ERROR')]);
    const r = await runDetector([arraySource(input)], { config: cfg });
    expect(kind(r.doc.anomalies, 'rare_template').map((a) => a.template.split(' ')[0])).toEqual(['kernel:', 'config']);
  });

  it('without a baseline: templates of at most 3 lines in a run of 200 or more, scored by how rare, by level', async () => {
    const input = byTime([
      ...normal(T0, HOUR),
      line(T0 + 5 * MIN, 'kernel: segfault at 0000 ip 7f3a rare event', 'ERROR'),
      ...spread(T0 + 6 * MIN, 2 * MIN, 2, (i) => `fan speed ${i} above threshold on rack r7`, 'WARN'),
      ...spread(T0 + 7 * MIN, 3 * MIN, 3, (i) => `config reload ${i} picked up new routes`),
      ...spread(T0 + 8 * MIN, 4 * MIN, 4, (i) => `certificate ${i} expires within a month`),
    ]);
    const r = await runDetector([arraySource(input)], { config: cfg });
    const lines = r.doc.input.lines;
    const rare = kind(r.doc.anomalies, 'rare_template');
    expect(rare.map((a) => [a.count, a.severity, a.score])).toEqual([
      [1, 'medium', round2(Math.log10(lines) / 2 + 3)],
      [2, 'low', round2(Math.log10(lines / 2) / 2 + 1.5)],
      [3, 'info', round2(Math.log10(lines / 3) / 2)],
    ]);
    expect(rare[0].explanation).toBe(`appeared only once in ${lines} lines (no baseline to compare with)`);
    expect(rare[1].explanation).toBe(`appeared only 2 times in ${lines} lines (no baseline to compare with)`);
    expect(rare[0]).toMatchObject({ id: `rare_template:${rare[0].templateId}`, expected: null, firstSeen: T0 + 5 * MIN, lastSeen: T0 + 5 * MIN });
  });

  it('a run of 199 lines is too small to call anything rare; 200 is not', async () => {
    const mk = (n: number) => [...spread(T0, HOUR, n - 1, (i) => `heartbeat worker-${i % 3} queue depth ${i % 11}`), line(T0 + HOUR, 'one odd line here')];
    expect(kind((await runDetector([arraySource(mk(199))], { config: cfg })).doc.anomalies, 'rare_template')).toEqual([]);
    expect(kind((await runDetector([arraySource(mk(200))], { config: cfg })).doc.anomalies, 'rare_template').map((a) => a.count)).toEqual([1]);
  });

  it('at most 50, the highest scores first', async () => {
    const odd = Array.from({ length: 60 }, (_, i) => line(T0 + i * 1000, `odd event${' w'.repeat(i + 1)}`));
    const r = await runDetector([arraySource(byTime([...spread(T0, HOUR, 300, (i) => `heartbeat worker-${i % 3} queue depth ${i % 11}`), ...odd]))], { config: cfg });
    const rare = kind(r.doc.anomalies, 'rare_template');
    expect(rare).toHaveLength(50);
    for (let i = 1; i < rare.length; i++) expect(rare[i - 1].score).toBeGreaterThanOrEqual(rare[i].score);
  });
});

describe('error_rate_surge', () => {
  it('without a baseline: against the rest of the input, this bucket left out; the template behind most problem lines is the evidence', async () => {
    const at = T0 + 40 * MIN;
    const surge = spread(at, 5 * MIN, 60, (i) => `payment gateway timeout after ${900 + i}ms`, 'ERROR');
    const input = byTime([...normal(T0, HOUR), ...surge]);
    const r = await runDetector([arraySource(input)], { config: cfg });
    const found = kind(r.doc.anomalies, 'error_rate_surge');
    expect(found).toHaveLength(1);
    const f = found[0];
    const t = r.run.totals.get(at)!;
    let lines = 0;
    let errors = 0;
    for (const c of r.run.totals.values()) {
      lines += c.n;
      errors += c.errors;
    }
    const expected = (t.n * (errors - t.errors + 0.5)) / (lines - t.n + 1);
    const pct = (x: number) => `${(x * 100).toFixed(x * 100 < 1 ? 2 : x * 100 < 10 ? 1 : 0)}%`;
    expect(t.errors).toBe(62);
    expect(f.explanation).toBe(`errors and warnings were 62 of ${t.n} lines (${pct(62 / t.n)}) in 5 minutes; the rest of this input (${pct(expected / t.n)}), about ${Math.round(expected * 10) / 10} expected`);
    expect(f).toMatchObject({ count: 62, expected: round2(expected), bucket: at, firstSeen: at, lastSeen: at + 5 * MIN - 1, stream: 'app', template: 'payment gateway timeout after <*>' });
    expect(f.id).toBe(`error_rate_surge:${f.templateId}:${at}`);
    expect(f.samples.map((s) => s.line)).toEqual(surge.slice(0, 2).map((l) => l.raw));
    expect(f.severity).toBe('critical');
  });

  it('with a baseline: against its share of problem lines; consecutive buckets are one finding', async () => {
    const m = await baselineModel();
    const start = T0 + 2 * HOUR;
    const surge = spread(start + 20 * MIN, 10 * MIN, 120, (i) => `payment gateway timeout after ${900 + i}ms`, 'ERROR');
    const r = await runDetector([arraySource(byTime([...normal(start, HOUR), ...surge]))], { config: cfg, model: m });
    const [f] = kind(r.doc.anomalies, 'error_rate_surge');
    expect([f.bucket, f.lastSeen, f.count]).toEqual([start + 20 * MIN, start + 30 * MIN - 1, 124]);
    // evidence: the first lines of each bucket, three at most
    expect(f.samples.map((s) => s.line)).toEqual([surge[0].raw, surge[1].raw, surge[60].raw]);
    // the baseline's share: 48 warnings in 1,728 lines
    expect(f.explanation).toMatch(/^errors and warnings were 124 of \d+ lines \(\d+%\) in 10 minutes; baseline 2\.8%, about [\d.]+ expected$/);
  });

  it('a bucket with fewer problem lines than the minimum count (5) is never a surge; a dozen is', async () => {
    const run = (n: number) => runDetector([arraySource(byTime([...spread(T0, HOUR, 600, (i) => `heartbeat worker-${i % 3} queue depth ${i % 11}`), ...spread(T0 + 10 * MIN, MIN, n, (i) => `disk ${i} failed`, 'ERROR')]))], { config: cfg });
    expect(kind((await run(4)).doc.anomalies, 'error_rate_surge')).toEqual([]);
    expect(kind((await run(12)).doc.anomalies, 'error_rate_surge').map((a) => a.count)).toEqual([12]);
  });
});
