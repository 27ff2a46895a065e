/**
 * Rhythm-aware baselines (issue 11 point 3): gaps and bursts the baseline has seen several times
 * are not findings, new ones are and quote what the baseline saw, and expectations follow the hour
 * of day once every hour was watched for two days.
 */
import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG, type EngineLine } from '../../src/detector/index.js';
import { seasonFactor, seasonality, fmtGap, routine, remember, type Extremes } from '../../src/detector/baseline/rhythm.js';
import { line, spread, byTime, MIN } from './detect-helpers.js';

const cfg = DEFAULT_DETECTION_CONFIG;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 23, 0, 0, 0); // a Monday, 00:00 UTC

/** A steady request log so the source itself is never silent. */
const requests = (from: number, ms: number) => spread(from, ms, Math.round(ms / 10_000), (i) => `GET /api/items/${i % 50} 200 in ${5 + (i % 7)}ms`);

/** A sync job every 10 s, pausing for `pause` ms at each of `pauses` (start times). */
function sync(from: number, ms: number, pauses: readonly number[], pause: number): EngineLine[] {
  const out: EngineLine[] = [];
  for (let t = from; t < from + ms; t += 10_000) {
    if (pauses.some((p) => t >= p && t < p + pause)) continue;
    out.push(line(t, `sync finished for shard ${(t / 10_000) % 8} in ${20 + (t % 13)}ms`));
  }
  return out;
}

async function learn(lines: EngineLine[]) {
  return (await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(byTime(lines))], orderedInput: true })).model;
}

async function detectOn(model: Awaited<ReturnType<typeof learn>>, lines: EngineLine[]) {
  return (await runDetector([arraySource(byTime(lines))], { config: cfg, model, orderedInput: true })).doc;
}

describe('silence knows the gaps of its source', () => {
  // 24 hours; the sync job pauses for 30 minutes every 6 hours (4 times).
  const pauses = [2, 8, 14, 20].map((h) => T0 + h * HOUR);
  const baseline = () => [...requests(T0, DAY), ...sync(T0, DAY, pauses, 30 * MIN)];
  const start = T0 + DAY;

  it('a gap the baseline has seen several times is not a silence', async () => {
    const model = await learn(baseline());
    expect(model.templates[Object.keys(model.templates).find((id) => model.templates[id].template.startsWith('sync'))!].rhythm.gaps.length).toBeGreaterThanOrEqual(4);
    const doc = await detectOn(model, [...requests(start, 3 * HOUR), ...sync(start, 3 * HOUR, [start + HOUR], 30 * MIN)]);
    expect(doc.anomalies.filter((a) => a.kind === 'silence')).toEqual([]);
  });

  it('the same gap against a baseline without pauses is a silence', async () => {
    const model = await learn([...requests(T0, DAY), ...sync(T0, DAY, [], 0)]);
    const doc = await detectOn(model, [...requests(start, 3 * HOUR), ...sync(start, 3 * HOUR, [start + HOUR], 30 * MIN)]);
    const silence = doc.anomalies.filter((a) => a.kind === 'silence');
    expect(silence).toHaveLength(1);
    expect(silence[0].explanation).toMatch(/^did not appear for \d+ minutes from .*; the baseline's longest gap between its lines was 10 seconds; baseline/);
  });

  it('a longer gap than any seen is a silence quoting the longest gap the baseline saw', async () => {
    const model = await learn(baseline());
    const doc = await detectOn(model, [...requests(start, 4 * HOUR), ...sync(start, 4 * HOUR, [start + 30 * MIN], 2 * HOUR)]);
    const silence = doc.anomalies.filter((a) => a.kind === 'silence');
    expect(silence).toHaveLength(1);
    expect(silence[0].template).toContain('sync finished');
    expect(silence[0].explanation).toContain("the baseline's longest gap between its lines was 30 minutes");
    expect(['medium', 'high', 'critical']).toContain(silence[0].severity);
  });
});

describe('spikes know the bursts of their source', () => {
  /**
   * An export job: 20 lines per 5 minutes, and `extra` more per 5 minutes for 10 minutes every
   * 12 hours. Two such bursts (four buckets) in a day are few enough for the count model alone to
   * call the next one a spike (p ~ 1e-7 over its two buckets), and enough to be "seen several times".
   */
  function exports(from: number, ms: number, extra = 300): EngineLine[] {
    const out = spread(from, ms, Math.round(ms / 15_000), (i) => `exported row ${i} of table t${i % 4}`);
    for (let t = from + 2 * HOUR; t < from + ms; t += 12 * HOUR) out.push(...spread(t, 10 * MIN, 2 * extra, (i) => `exported row ${i} of table t${i % 4}`));
    return out;
  }

  it('periodic bursts the baseline has seen several times are not spikes', async () => {
    const model = await learn([...requests(T0, DAY), ...exports(T0, DAY)]);
    const doc = await detectOn(model, [...requests(T0 + DAY, 6 * HOUR), ...exports(T0 + DAY, 6 * HOUR)]);
    expect(doc.anomalies.filter((a) => a.kind === 'frequency_spike')).toEqual([]);
  });

  it('a burst much larger than any seen is a spike, quoting the largest the baseline saw', async () => {
    const model = await learn([...requests(T0, DAY), ...exports(T0, DAY)]);
    const doc = await detectOn(model, [...requests(T0 + DAY, 6 * HOUR), ...exports(T0 + DAY, 6 * HOUR, 3000)]);
    const spikes = doc.anomalies.filter((a) => a.kind === 'frequency_spike');
    expect(spikes).toHaveLength(1);
    expect(spikes[0].count).toBeGreaterThanOrEqual(6000);
    expect(spikes[0].explanation).toMatch(/^appeared [\d,]+ times in 10 minutes .*at most 3\d\d in one bucket/);
  });

  it('a bursty source whose baseline holds one burst: bursts of that size are its rhythm', async () => {
    // dpkg-like: hundreds of lines in a few minutes, then nothing for days.
    const burst = (at: number, n: number) => [
      ...spread(at, 4 * MIN, n, (i) => `status installed pkg${i}:amd64 1.${i}-1`),
      ...spread(at, 4 * MIN, n, (i) => `configure pkg${i}:amd64 1.${i}-1 <none>`),
    ];
    const model = await learn([...burst(T0 + 2 * MIN, 400), ...burst(T0 + 9 * DAY, 60)]);
    const doc = await detectOn(model, [...burst(T0 + 20 * DAY, 250), ...burst(T0 + 41 * DAY, 120)]);
    expect(doc.anomalies.filter((a) => a.kind === 'frequency_spike' || a.kind === 'silence')).toEqual([]);
  });
});

describe('a bursty neighbour does not hide a steady template\'s flood', () => {
  it('an API flood in the same bucket as a package-manager burst is still a spike', async () => {
    const dpkg = (at: number, n: number) => spread(at, 4 * MIN, n, (i) => `status installed pkg${i}:amd64 1.${i}-1`, 'INFO');
    // 14..24 per 5 minutes: traffic, not a clock (a clock-driven template ignores the traffic anyway)
    const api = (from: number, ms: number) =>
      Array.from({ length: ms / (5 * MIN) }, (_, k) => spread(from + k * 5 * MIN, 5 * MIN, 14 + ((k * 7) % 11), (i) => `POST /v1/orders/${k}-${i} 201 in ${10 + (i % 9)}ms`)).flat();
    const model = await learn([...api(T0, 12 * HOUR), ...dpkg(T0 + 2 * HOUR, 2000), ...dpkg(T0 + 7 * HOUR, 1500)]);
    const at = T0 + 14 * HOUR;
    const doc = await detectOn(model, [...api(T0 + 12 * HOUR, 4 * HOUR), ...dpkg(at, 1800), ...spread(at, 5 * MIN, 160, (i) => `POST /v1/orders/${9000 + i} 201 in 12ms`)]);
    const spikes = doc.anomalies.filter((a) => a.kind === 'frequency_spike');
    expect(spikes.map((a) => a.template)).toEqual([expect.stringMatching(/^POST /)]);
  });
});

describe('seasonality once every hour was watched two days', () => {
  /** Requests: 100 per 5 minutes from 08:00 to 20:00 UTC, 10 at night; a steady heartbeat. */
  function diurnal(from: number, ms: number): EngineLine[] {
    const out: EngineLine[] = [...spread(from, ms, Math.round(ms / 10_000), (i) => `heartbeat node-${i % 3} ok`)];
    for (let t = from; t < from + ms; t += 5 * MIN) {
      const h = new Date(t).getUTCHours();
      out.push(...spread(t, 5 * MIN, h >= 8 && h < 20 ? 100 : 10, (i) => `order ${i} placed by customer c${i % 91}`));
    }
    return out;
  }
  const night = T0 + 3 * DAY + 2 * HOUR;

  it('a quiet night is expected after two days of history', async () => {
    const model = await learn(diurnal(T0, 3 * DAY));
    const doc = await detectOn(model, diurnal(night, 2 * HOUR));
    expect(doc.anomalies.filter((a) => a.kind === 'frequency_drop' || a.kind === 'silence')).toEqual([]);
  });

  it('with under two days of history the same night is a drop', async () => {
    const model = await learn(diurnal(T0 + 8 * HOUR, 12 * HOUR));
    const doc = await detectOn(model, diurnal(night, 2 * HOUR));
    expect(doc.anomalies.filter((a) => a.kind === 'frequency_drop').map((a) => a.template)).toEqual([expect.stringContaining('order')]);
  });

  it('night-level traffic at noon is still a drop, explained at this hour', async () => {
    const model = await learn(diurnal(T0, 3 * DAY));
    const noon = T0 + 3 * DAY + 12 * HOUR;
    const target = diurnal(noon, 2 * HOUR).filter((l) => !l.content.startsWith('order') || Number(l.content.split(' ')[1]) < 10);
    const doc = await detectOn(model, target);
    const drops = doc.anomalies.filter((a) => a.kind === 'frequency_drop');
    expect(drops).toHaveLength(1);
    expect(drops[0].explanation).toMatch(/expected at this hour and traffic/);
  });

  it('seasonality needs every hour (two days) or every weekday (two weeks) watched', () => {
    const hours = (x: number) => new Array(24).fill(x);
    const days = (x: number) => new Array(7).fill(x);
    expect(seasonality({ hours: hours(24), days: days(288) }, 12)).toEqual({ hourly: true, weekly: false });
    expect(seasonality({ hours: hours(23), days: days(288) }, 12)).toEqual({ hourly: false, weekly: false });
    expect(seasonality({ hours: hours(168), days: days(576) }, 12)).toEqual({ hourly: true, weekly: true });
    // Twice as busy on Mondays as on other days, with plenty of history: about 2x the average.
    const d = [100, 200, 100, 100, 100, 100, 100];
    const f = seasonFactor({ hours: hours(1), days: d }, { hours: hours(168), days: days(576) }, T0 + HOUR, { hourly: false, weekly: true });
    expect(f).toBeGreaterThan(1.5);
    expect(f).toBeLessThan(2);
  });
});

describe('rhythm helpers', () => {
  it('keeps the largest extremes, largest first', () => {
    const list: Extremes = [];
    for (const [v, at] of [[5, 1], [9, 2], [1, 3], [7, 4], [3, 5], [8, 6], [2, 7], [6, 8]] as const) remember(list, v, at);
    expect(list.map(([v]) => v)).toEqual([9, 8, 7, 6, 5, 3]);
    // the same bucket seen again (partial in one run, whole in the next) is one entry
    remember(list, 4, 5);
    remember(list, 10, 5);
    expect(list).toEqual([[10, 5], [9, 2], [8, 6], [7, 4], [6, 8], [5, 1]]);
  });

  it('"several times" is three, or a tenth of a short history', () => {
    expect(routine(3, 1000)).toBe(true);
    expect(routine(2, 1000)).toBe(false);
    expect(routine(1, 4)).toBe(true);
    expect(routine(0, 4)).toBe(false);
  });

  it('formats gaps as people say them', () => {
    expect(fmtGap(40_000)).toBe('40 seconds');
    expect(fmtGap(47 * MIN)).toBe('47 minutes');
    expect(fmtGap(3 * HOUR + 10 * MIN)).toBe('3 hours 10 minutes');
    expect(fmtGap(2 * DAY + 4 * HOUR)).toBe('2 days 4 hours');
  });
});
