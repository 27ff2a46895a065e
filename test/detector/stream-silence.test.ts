import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { AnomaliesDoc, BaselineModel } from '../../src/detector/index.js';
import type { EngineLine } from '../../src/detector/engine.js';
import { byTime, spread, T0, MIN } from './detect-helpers.js';

const HOUR = 60 * MIN;
const cfg = DEFAULT_DETECTION_CONFIG;

/** One service on three hosts: the same templates in every stream, so no template goes silent. */
function hosts(from: number, ms: number, names: readonly string[], per5min = 12): EngineLine[] {
  return byTime(
    names.flatMap((stream) =>
      spread(from, ms, Math.round((ms / (5 * MIN)) * per5min), (i) => `request ${i} served in ${10 + (i % 40)} ms`).map((l) => ({ ...l, stream })),
    ),
  );
}

async function learn(lines: EngineLine[]): Promise<BaselineModel> {
  return (await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(lines)] })).model;
}

const streamFindings = (doc: AnomaliesDoc) => doc.anomalies.filter((a) => a.kind === 'stream_silence');

describe('stream_silence', () => {
  it('a stream that stops while the others go on is one finding, under its own name', async () => {
    const model = await learn(hosts(T0, 3 * HOUR, ['web-1', 'web-2', 'web-3']));
    expect(Object.keys(model.streams ?? {}).sort()).toEqual(['web-1', 'web-2', 'web-3']);
    const start = T0 + 3 * HOUR;
    const input = hosts(start, HOUR, ['web-1', 'web-2', 'web-3']).filter((l) => l.stream !== 'web-2' || l.timestamp! < start + 20 * MIN);
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    const found = streamFindings(r.doc);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ stream: 'web-2', templateId: 'stream:web-2', bucket: start + 20 * MIN, count: 0 });
    expect(found[0].explanation).toMatch(/^the stream sent no line for 40 minutes from .* \(its last line was at .*\); the baseline's longest gap in this stream was 25 seconds; baseline 12 ± 0 lines per 5 minutes, present in 100% of baseline buckets$/);
    // Template silence cannot see it: the template goes on in the other streams.
    expect(r.doc.anomalies.filter((a) => a.kind === 'silence')).toEqual([]);
    // The finding is its own incident, titled by the stream.
    expect(r.doc.incidents.some((i) => i.title.startsWith('web-2: '))).toBe(true);
  });

  it('a stream missing from the whole window is reported, unless a new stream took its place', async () => {
    const model = await learn(hosts(T0, 3 * HOUR, ['web-1', 'web-2', 'web-3']));
    const start = T0 + 3 * HOUR;
    const gone = await runDetector([arraySource(hosts(start, HOUR, ['web-1', 'web-3']))], { config: cfg, model });
    expect(streamFindings(gone.doc)).toEqual([expect.objectContaining({ stream: 'web-2' })]);
    expect(streamFindings(gone.doc)[0].explanation).toContain('it sent no line in the whole window');
    // web-2 replaced by web-4 (a new task, a renamed pod): churn, not an outage.
    const replaced = await runDetector([arraySource(hosts(start, HOUR, ['web-1', 'web-3', 'web-4']))], { config: cfg, model });
    expect(streamFindings(replaced.doc)).toEqual([]);
  });

  it('no finding when the run and the baseline share no stream name (files named differently)', async () => {
    const model = await learn(hosts(T0, 3 * HOUR, ['dpkg-first-half']));
    const r = await runDetector([arraySource(hosts(T0 + 3 * HOUR, HOUR, ['dpkg-second-half']))], { config: cfg, model });
    expect(streamFindings(r.doc)).toEqual([]);
  });

  it('a gap the stream has shown several times in the baseline is its rhythm, not a silence', async () => {
    // web-2 pauses for 15 minutes three times in the baseline: still steady (present in 7/8 of buckets).
    const base = hosts(T0, 6 * HOUR, ['web-1', 'web-2']).filter((l) => {
      if (l.stream !== 'web-2') return true;
      const t = l.timestamp! - T0;
      return ![1, 3, 5].some((h) => t >= h * HOUR && t < h * HOUR + 15 * MIN);
    });
    const model = await learn(base);
    const start = T0 + 6 * HOUR;
    const quiet = (ms: number) => hosts(start, HOUR, ['web-1', 'web-2']).filter((l) => l.stream !== 'web-2' || l.timestamp! < start + 20 * MIN || l.timestamp! >= start + 20 * MIN + ms);
    // 15 minutes: seen three times in the baseline.
    expect(streamFindings((await runDetector([arraySource(quiet(15 * MIN))], { config: cfg, model })).doc)).toEqual([]);
    // 35 minutes: longer than any gap it has shown.
    const long = streamFindings((await runDetector([arraySource(quiet(35 * MIN))], { config: cfg, model })).doc);
    expect(long).toHaveLength(1);
    expect(long[0].explanation).toContain("the baseline's longest gap in this stream was 15 minutes");
  });

  it('the silent buckets are not learned as the stream going quiet', async () => {
    const model = await learn(hosts(T0, 3 * HOUR, ['web-1', 'web-2']));
    const start = T0 + 3 * HOUR;
    const input = hosts(start, HOUR, ['web-1', 'web-2']).filter((l) => l.stream !== 'web-2' || l.timestamp! < start + 20 * MIN);
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    expect(streamFindings(r.doc)).toHaveLength(1);
    const s = r.model.streams!['web-2'];
    // Learned at its usual rate where it was flagged: still present in (nearly) every bucket.
    expect(s.present / r.model.buckets).toBeGreaterThan(0.95);
  });

  it('models without streams (written before) load and detect without stream findings', async () => {
    const model = await learn(hosts(T0, 3 * HOUR, ['web-1', 'web-2']));
    delete model.streams;
    const input = hosts(T0 + 3 * HOUR, HOUR, ['web-1']);
    const r = await runDetector([arraySource(input)], { config: cfg, model });
    expect(streamFindings(r.doc)).toEqual([]);
  });
});
