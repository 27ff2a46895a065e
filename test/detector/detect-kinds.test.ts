import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { BaselineModel } from '../../src/detector/index.js';
import { line, spread, byTime, T0, MIN } from './detect-helpers.js';

const HOUR = 60 * MIN;
const cfg = DEFAULT_DETECTION_CONFIG;
/** The default config with one kind switched off. */
const switchedOff = (k: keyof typeof cfg.rules.kinds): typeof cfg => ({ ...cfg, rules: { ...cfg.rules, kinds: { ...cfg.rules.kinds, [k]: { ...cfg.rules.kinds[k], enabled: false } } } });

/** Two hours of normal traffic: logins 10 per 5 min, heartbeats every 5 s, a few warnings. */
function normal(from: number, ms: number) {
  return byTime([
    ...spread(from, ms, Math.round((ms / (5 * MIN)) * 10), (i) => `user u${1000 + (i % 97)} logged in from 10.0.${i % 9}.${i % 200}`),
    ...spread(from, ms, Math.round(ms / 5000), (i) => `heartbeat worker-${i % 3} queue depth ${i % 11}`),
    ...spread(from, ms, Math.round((ms / (5 * MIN)) * 2), (i) => `slow query took ${200 + i}ms on table orders`, 'WARN'),
  ]);
}

async function baselineModel(): Promise<BaselineModel> {
  const r = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(normal(T0, 2 * HOUR))] });
  return r.model;
}

describe('detectors', () => {
  it('empty input: no findings, an empty histogram', async () => {
    const r = await runDetector([arraySource([])], { config: cfg });
    expect(r.doc.anomalies).toEqual([]);
    expect(r.doc.input.lines).toBe(0);
    expect(r.doc.histogram).toEqual({ start: null, bucketSeconds: 300, counts: [], anomalous: [] });
  });

  it('a single line without baseline is not called rare', async () => {
    const r = await runDetector([arraySource([line(T0, 'only line')])], { config: cfg });
    expect(r.doc.anomalies).toEqual([]);
    expect(r.doc.input).toMatchObject({ lines: 1, from: T0, to: T0 });
  });

  it('frequency_spike with the baseline in the explanation', async () => {
    const model = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start + 20 * MIN, 5 * MIN, 200, (i) => `user u${2000 + i} logged in from 10.1.2.${i % 250}`)]);
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    const spike = r.doc.anomalies.find((a) => a.kind === 'frequency_spike');
    expect(spike).toBeDefined();
    expect(spike!.template).toContain('logged in from');
    expect(spike!.count).toBeGreaterThanOrEqual(200);
    expect(spike!.bucket).toBe(start + 20 * MIN);
    expect(spike!.explanation).toMatch(/^appeared 2\d\d times in 5 minutes; baseline 10 ± [\d.]+ per 5 minutes, at most 1\d in one bucket$/);
    expect(spike!.samples.length).toBeGreaterThan(0);
    expect(r.doc.histogram.anomalous.filter(Boolean).length).toBe(1);
    expect(r.doc.anomalies.filter((a) => a.kind !== 'frequency_spike' && a.kind !== 'error_rate_surge')).toEqual([]);
  });

  it('silence when an every-bucket template stops, frequency_drop when it thins out', async () => {
    const model = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = normal(start, HOUR).filter((l) => {
      const t = l.timestamp! - start;
      if (!l.content.startsWith('heartbeat')) return true;
      return t < 30 * MIN;
    });
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    const silence = r.doc.anomalies.filter((a) => a.kind === 'silence');
    expect(silence).toHaveLength(1);
    expect(silence[0].template).toContain('heartbeat');
    expect(silence[0].explanation).toContain('did not appear for');
    expect(silence[0].bucket).toBe(start + 30 * MIN);
  });

  it('new_template for an error never seen, with its level', async () => {
    const model = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start + 10 * MIN, 10 * MIN, 7, (i) => `disk /dev/sd${'abc'[i % 3]} failed: I/O error at sector ${i * 7919}`, 'ERROR')]);
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    const news = r.doc.anomalies.filter((a) => a.kind === 'new_template');
    expect(news).toHaveLength(1);
    expect(news[0]).toMatchObject({ severity: 'high', count: 7, expected: 0 });
    expect(news[0].explanation).toContain('7 of them at ERROR level');
  });

  it('error_rate_surge when the warning share jumps', async () => {
    const model = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start + 40 * MIN, 5 * MIN, 60, (i) => `slow query took ${900 + i}ms on table orders`, 'WARN')]);
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    const surge = r.doc.anomalies.find((a) => a.kind === 'error_rate_surge');
    expect(surge).toBeDefined();
    expect(surge!.bucket).toBe(start + 40 * MIN);
    expect(surge!.explanation).toMatch(/errors and warnings were \d+ of \d+ lines/);
  });

  it('error_rate_surge switched off in the config: not reported, the rest of the run unchanged', async () => {
    const model = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start + 40 * MIN, 5 * MIN, 60, (i) => `slow query took ${900 + i}ms on table orders`, 'WARN')]);
    const on = await runDetector([arraySource(input)], { config: cfg, model });
    const off = await runDetector([arraySource(input)], { config: switchedOff('error_rate_surge'), model });
    expect(on.doc.anomalies.some((a) => a.kind === 'error_rate_surge')).toBe(true);
    expect(off.doc.anomalies).toEqual(on.doc.anomalies.filter((a) => a.kind !== 'error_rate_surge'));
  });

  it('rare_template only without a baseline', async () => {
    const input = byTime([...normal(T0, HOUR), line(T0 + 5 * MIN, 'kernel: segfault at 0000 ip 7f3a rare event', 'ERROR')]);
    const r = await runDetector([arraySource(input)], { config: cfg });
    const rare = r.doc.anomalies.filter((a) => a.kind === 'rare_template');
    expect(rare.map((a) => a.template)).toEqual([expect.stringContaining('segfault')]);
    expect(rare[0].severity).toBe('medium');
  });

  it('missing timestamps: no frequency findings, templates still judged', async () => {
    const model = await baselineModel();
    const input = [...normal(T0 + 2 * HOUR, HOUR).map((l) => ({ ...l, timestamp: null })), line(null, 'panic: nil pointer dereference in handler', 'ERROR')];
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    expect(r.doc.input.from).toBeNull();
    expect(r.doc.anomalies.map((a) => a.kind)).toEqual(['new_template']);
  });

  it('out-of-order timestamps give the same findings as sorted input', async () => {
    const model = await baselineModel();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start + 20 * MIN, 5 * MIN, 200, (i) => `user u${i} logged in from 10.1.2.${i % 250}`)]);
    const shuffled = [...input].reverse();
    const now = () => new Date(0);
    const a = await runDetector([arraySource(input)], { config: cfg, model, now });
    const b = await runDetector([arraySource(shuffled)], { config: cfg, model, now });
    expect(b.doc.anomalies.map((x) => [x.kind, x.templateId, x.count, x.bucket])).toEqual(a.doc.anomalies.map((x) => [x.kind, x.templateId, x.count, x.bucket]));
    expect(b.doc.histogram.counts).toEqual(a.doc.histogram.counts);
  });

  it('session_anomaly for sessions that break a count invariant', async () => {
    const session = (from: number, n: number, charges = 1) =>
      Array.from({ length: n }, (_, s) => {
        const id = `${from}-${s}`;
        const t = from + s * 1000;
        return [
          line(t, `req=${id} POST /orders`),
          ...Array.from({ length: charges }, (_, c) => [line(t + 1 + c, `req=${id} charge started amount 12.50`), line(t + 2 + c, `req=${id} charge completed txn 99`)]).flat(),
          line(t + 9, `req=${id} 201 created`),
        ];
      }).flat();
    const base = session(T0, 300);
    const input = [...session(T0 + HOUR, 200), ...session(T0 + 2 * HOUR, 3, 2)];
    const r = await runDetector([arraySource(input)], { config: cfg, baselineSources: [arraySource(base)], sessionKey: 'req=(\\S+)' });
    const sess = r.doc.anomalies.filter((a) => a.kind === 'session_anomaly');
    expect(sess).toHaveLength(1);
    expect(sess[0].count).toBe(3);
    expect(sess[0].explanation).toMatch(/3 sessions .*2x but .*1x, which normal sessions have equally often/);
    expect(sess[0].session).toMatch(/^\d+-\d$/);
  });

  it('session_anomaly switched off in the config: not reported even with a session key', async () => {
    const session = (from: number, n: number, charges = 1) =>
      Array.from({ length: n }, (_, s) => {
        const id = `${from}-${s}`;
        const t = from + s * 1000;
        return [line(t, `req=${id} POST /orders`), ...Array.from({ length: charges }, (_, c) => line(t + 1 + c, `req=${id} charge started amount 12.50`)), line(t + 9, `req=${id} 201 created`)];
      }).flat();
    const run = (config: typeof cfg) =>
      runDetector([arraySource([...session(T0 + HOUR, 200), ...session(T0 + 2 * HOUR, 3, 2)])], { config, baselineSources: [arraySource(session(T0, 300))], sessionKey: 'req=(\\S+)' });
    expect((await run(cfg)).doc.anomalies.filter((a) => a.kind === 'session_anomaly')).toHaveLength(1);
    expect((await run(switchedOff('session_anomaly'))).doc.anomalies.filter((a) => a.kind === 'session_anomaly')).toEqual([]);
  });

  it('a disabled kind is not reported', async () => {
    const input = byTime([...normal(T0, HOUR), line(T0 + 5 * MIN, 'kernel: segfault at 0000 ip 7f3a rare event', 'ERROR')]);
    const config = { ...cfg, rules: { ...cfg.rules, kinds: { rare_template: { enabled: false, minScore: 0 } } } };
    const r = await runDetector([arraySource(input)], { config });
    expect(r.doc.anomalies.filter((a) => a.kind === 'rare_template')).toEqual([]);
  });
});
