import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import { spread, byTime, T0, MIN } from './detect-helpers.js';

const HOUR = 60 * MIN;
const cfg = DEFAULT_DETECTION_CONFIG;
const traffic = (from: number, ms: number, scale: number, orders = 1) =>
  byTime([
    ...spread(from, ms, Math.round(((ms / (5 * MIN)) * 60 * scale)), (i) => `GET /products/${i % 500} 200 in ${i % 90}ms`),
    ...spread(from, ms, Math.round(((ms / (5 * MIN)) * 12 * scale * orders)), (i) => `order ord-${10000 + i} placed by user u${i % 300}`),
  ]);

describe('frequency against the traffic of the hour', () => {
  it('twice the overall traffic is not a spike of every template', async () => {
    const { model } = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(traffic(T0, 3 * HOUR, 1))] });
    const r = await runDetector([arraySource(traffic(T0 + 3 * HOUR, HOUR, 2.2))], { config: cfg, model });
    expect(r.doc.anomalies).toEqual([]);
  });

  it('a sustained drop too small for any single bucket is found over several', async () => {
    const { model } = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(traffic(T0, 3 * HOUR, 1))] });
    const start = T0 + 3 * HOUR;
    const input = byTime([...traffic(start, 30 * MIN, 1), ...traffic(start + 30 * MIN, 30 * MIN, 1, 0.25)]);
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    const drops = r.doc.anomalies.filter((a) => a.kind === 'frequency_drop');
    expect(drops).toHaveLength(1);
    expect(drops[0].template).toContain('placed by user');
    expect(drops[0].bucket).toBe(start + 30 * MIN);
    expect(drops[0].explanation).toMatch(/^appeared only \d+ times in 30 minutes; baseline 12 ± [\d.]+ per 5 minutes/);
  });
});
