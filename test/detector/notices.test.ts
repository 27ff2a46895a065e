/** Empty or useless input says so (issue 11 point 5): notices in anomalies.json, not a verdict. */
import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, validateAnomaliesDoc, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import { line, spread, T0, MIN } from './detect-helpers.js';

const cfg = DEFAULT_DETECTION_CONFIG;
const HOUR = 60 * MIN;
const codes = (doc: { notices?: readonly { code: string }[] }) => (doc.notices ?? []).map((n) => n.code);
const traffic = (from: number, ms: number) => spread(from, ms, Math.round(ms / 5000), (i) => `job ${i} done in ${i % 40}ms`);

describe('notices', () => {
  it('zero input lines: "nothing was checked", not a clean result', async () => {
    const r = await runDetector([arraySource([])], { config: cfg });
    expect(r.doc.anomalies).toEqual([]);
    expect(r.doc.notices).toEqual([{ code: 'no_input', message: 'no log lines were read from the input: nothing was checked' }]);
  });

  it('an empty baseline is no baseline: no template is called new, and it says so', async () => {
    const input = [...traffic(T0, 30 * MIN), line(T0 + 60_000, 'disk full on /var', 'ERROR')];
    const r = await runDetector([arraySource(input)], { config: cfg, baselineSources: [arraySource([])] });
    expect(r.doc.baseline).toBeNull();
    expect(r.doc.anomalies.filter((a) => a.kind === 'new_template')).toEqual([]);
    expect(codes(r.doc)).toEqual(['empty_baseline']);
    expect(r.doc.notices![0].message).toMatch(/baseline had no log lines: detected without a baseline/);
  });

  it('a model with no lines counts as an empty baseline', async () => {
    const empty = (await runDetector([arraySource([])], { config: cfg })).model;
    expect(empty.lines).toBe(0);
    const r = await runDetector([arraySource(traffic(T0, 10 * MIN))], { config: cfg, model: empty });
    expect(r.doc.baseline).toBeNull();
    expect(codes(r.doc)).toEqual(['empty_baseline']);
  });

  it('no timestamps: only template checks ran, and the format is the suspect', async () => {
    const input = traffic(T0, 10 * MIN).map((l) => ({ ...l, timestamp: null }));
    const r = await runDetector([arraySource(input)], { config: cfg });
    expect(codes(r.doc)).toEqual(['no_timestamps']);
    expect(r.doc.notices![0].message).toMatch(/none of the 120 input lines had a timestamp.*check the format/);
  });

  it('a baseline shorter than one bucket: frequency checks did not run', async () => {
    const r = await runDetector([arraySource(traffic(T0 + 10 * MIN, 20 * MIN))], { config: cfg, baselineSources: [arraySource(traffic(T0, 2 * MIN))] });
    expect(codes(r.doc)).toContain('short_baseline');
    expect(r.doc.notices!.find((n) => n.code === 'short_baseline')!.message).toMatch(/covers less than one whole bucket \(5 minutes\)/);
  });

  it('a baseline still meeting new templates: ordinary new templates become one notice', async () => {
    // two words vary together on every line, so no family ever merges: 40 templates seen once
    // (the miner folds a family's early lines into one template, which is not novelty)
    const w = (i: number, s: string) => 'abcdefghijklmnopqrstuvwxyz'[i % 26] + 'qrstuvwxyzabcdefghijklmnop'[Math.floor(i / 26)] + s;
    const base = Array.from({ length: 40 }, (_, i) => line(T0 + i * 1000, `step ${w(i, 'one')} then ${w(i, 'two')} phase`));
    const input = [line(T0 + HOUR, 'listening on port 8080'), line(T0 + HOUR + 1, 'ready to accept connections'), line(T0 + HOUR + 2, 'checkpoint failed: disk full', 'ERROR')];
    const r = await runDetector([arraySource(input)], { config: cfg, baselineSources: [arraySource(base)] });
    const news = r.doc.anomalies.filter((a) => a.kind === 'new_template');
    expect(news.map((a) => [a.template, a.severity])).toEqual([['checkpoint failed: disk full', 'low']]);
    expect(news[0].explanation).toMatch(/so this may be ordinary$/);
    expect(r.doc.notices!.find((n) => n.code === 'learning_baseline')!.message).toMatch(/^2 templates not in the baseline were not reported as new/);
  });

  it('notices survive anomalies.json being read back, and a bad one names its field', async () => {
    const r = await runDetector([arraySource([])], { config: cfg });
    const back = validateAnomaliesDoc(JSON.parse(JSON.stringify(r.doc)), 'anomalies.json');
    expect(back.notices).toEqual(r.doc.notices);
    expect(() => validateAnomaliesDoc({ ...JSON.parse(JSON.stringify(r.doc)), notices: [{ code: 'x' }] }, 'anomalies.json')).toThrow(/anomalies\.json notices\[0\]\.message/);
  });
});
