import { describe, expect, it } from 'vitest';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { BaselineModel, EngineLine } from '../../src/detector/index.js';
import type { AnomaliesDoc, Anomaly } from '../../src/detector/anomalies-schema.js';
import { flaggedCells } from '../../src/detector/engine.js';
import { spread, byTime, T0, MIN } from './detect-helpers.js';

/**
 * What the engine counts while lines stream through, checked cell by cell on a handful of lines:
 * every detector reads these counters, and a miscount shows only as a finding a little off.
 */

const cfg = DEFAULT_DETECTION_CONFIG;
const B = 5 * MIN;
const L = (lineNo: number, timestamp: number | null, content: string, level: string | undefined, stream = 'a'): EngineLine => ({
  content,
  raw: `${level ?? '-'} ${content}`,
  timestamp,
  ...(level === undefined ? {} : { level }),
  stream,
  lineNo,
});
const sample = (l: EngineLine, timestamp = l.timestamp) => ({ line: l.raw, lineNo: l.lineNo, stream: l.stream, timestamp });
/** Each stream's cells as entries (the engine always fills streamCells; the type allows older RunStats without it). */
const streamCells = (r: { run: { streamCells?: ReadonlyMap<string, ReadonlyMap<number, unknown>> } }) => [...(r.run.streamCells ?? new Map<string, ReadonlyMap<number, unknown>>())].map(([s, cells]) => [s, [...cells]]);

describe('engine counters', () => {
  const lines = [
    L(1, T0 + 1000, 'job 1 started', 'INFO'),
    L(2, T0 + 2000, 'job 2 started', 'INFO'),
    // no timestamp (a continuation): counted at the line before's time
    L(3, null, 'job 3 started', 'ERROR'),
    // exactly at the next bucket's start
    L(4, T0 + B, 'job 4 started', 'INFO'),
    L(5, T0 + B + 100_000, 'job 5 started', 'WARN', 'b'),
    // earlier than the line before, same bucket
    L(6, T0 + B + 50_000, 'job 6 started', 'INFO', 'b'),
    // no level field: the message's words decide; an empty level field too
    L(7, T0 + B + 60_000, 'request failed', undefined, 'b'),
    L(8, T0 + B + 70_000, 'request failed', '', 'b'),
    L(9, T0 + B + 80_000, 'request failed', 'INFO', 'b'),
  ];

  it('per template: count, problem lines, worst level, first and last time, first stream, the first three lines', async () => {
    const r = await runDetector([arraySource(lines)], { config: cfg });
    const byText = new Map([...r.run.templates.values()].map((t) => [t.template, t]));
    expect([...byText.keys()].sort()).toEqual(['job <*> started', 'request failed']);
    const job = byText.get('job <*> started')!;
    expect(job).toMatchObject({ count: 6, errors: 2, level: 2, firstSeen: T0 + 1000, lastSeen: T0 + B + 100_000, firstStream: 'a' });
    expect(job.samples).toEqual([sample(lines[0]), sample(lines[1]), sample(lines[2], T0 + 2000)]);
    const failed = byText.get('request failed')!;
    // no level and an empty level: ERROR from the text; an INFO level field: not a problem
    expect(failed).toMatchObject({ count: 3, errors: 2, level: 2, firstSeen: T0 + B + 60_000, lastSeen: T0 + B + 80_000, firstStream: 'b' });
  });

  it('per template and bucket: lines, problem lines, the first two lines and the latest time', async () => {
    const r = await runDetector([arraySource(lines)], { config: cfg });
    const job = [...r.run.templates.values()].find((t) => t.template === 'job <*> started')!;
    expect([...job.buckets]).toEqual([
      [T0, { n: 3, errors: 1, samples: [sample(lines[0]), sample(lines[1])], last: T0 + 2000 }],
      [T0 + B, { n: 3, errors: 1, samples: [sample(lines[3]), sample(lines[4])], last: T0 + B + 100_000 }],
    ]);
  });

  it('per bucket over all templates, and per stream: lines, problem lines, earliest and latest time', async () => {
    const r = await runDetector([arraySource(lines)], { config: cfg });
    expect([...r.run.totals]).toEqual([
      [T0, { n: 3, errors: 1, first: T0 + 1000, last: T0 + 2000 }],
      [T0 + B, { n: 6, errors: 3, first: T0 + B, last: T0 + B + 100_000 }],
    ]);
    expect(streamCells(r)).toEqual([
      ['a', [[T0, { n: 3, first: T0 + 1000, last: T0 + 2000 }], [T0 + B, { n: 1, first: T0 + B, last: T0 + B }]]],
      ['b', [[T0 + B, { n: 5, first: T0 + B + 50_000, last: T0 + B + 100_000 }]]],
    ]);
    expect([r.run.lines, r.run.from, r.run.to, r.run.bucketMs, r.run.streams]).toEqual([9, T0 + 1000, T0 + B + 100_000, B, ['a', 'b']]);
  });

  it('out of order within buckets: earliest and latest still right, for the template, the bucket and the stream', async () => {
    const shuffled = [lines[5], lines[4], lines[8], lines[6], lines[3], lines[1], lines[0]];
    const r = await runDetector([arraySource(shuffled)], { config: cfg });
    const sorted = <V>(m: ReadonlyMap<number, V>) => [...m].sort((a, b) => a[0] - b[0]);
    expect(sorted(r.run.totals)).toEqual([
      [T0, { n: 2, errors: 0, first: T0 + 1000, last: T0 + 2000 }],
      [T0 + B, { n: 5, errors: 2, first: T0 + B, last: T0 + B + 100_000 }],
    ]);
    expect(streamCells(r).find(([s]) => s === 'b')).toEqual(['b', [[T0 + B, { n: 4, first: T0 + B + 50_000, last: T0 + B + 100_000 }]]]);
    const job = [...r.run.templates.values()].find((t) => t.template === 'job <*> started')!;
    expect([job.firstSeen, job.lastSeen, job.firstStream]).toEqual([T0 + 1000, T0 + B + 100_000, 'b']);
    expect(job.buckets.get(T0 + B)?.last).toBe(T0 + B + 100_000);
    expect([r.run.from, r.run.to]).toEqual([T0 + 1000, T0 + B + 100_000]);
  });

  it('streams interleaved line by line keep their own cells; times before 1970 fall in their own bucket', async () => {
    const mixed = [L(1, T0 + 10, 'ping', 'INFO', 'x'), L(2, T0 + 20, 'ping', 'INFO', 'y'), L(3, T0 + 30, 'ping', 'INFO', 'x'), L(4, -1, 'ping', 'INFO', 'y'), L(5, T0 + 40, 'ping', 'INFO', 'y')];
    const r = await runDetector([arraySource(mixed)], { config: cfg });
    expect(streamCells(r)).toEqual([
      ['x', [[T0, { n: 2, first: T0 + 10, last: T0 + 30 }]]],
      ['y', [[T0, { n: 2, first: T0 + 20, last: T0 + 40 }], [-B, { n: 1, first: -1, last: -1 }]]],
    ]);
    expect([...r.run.totals.keys()]).toEqual([T0, -B]);
  });

  it('a template the miner generalises is counted under one id with its final text', async () => {
    const drift = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((u, i) => L(i + 1, T0 + i, `user ${u} logged in from gateway`, 'INFO'));
    const r = await runDetector([arraySource(drift)], { config: cfg });
    expect([...r.run.templates.values()].map((t) => [t.template, t.count])).toEqual([['user <*> logged in from gateway', 6]]);
    expect(r.templates.map((t) => [t.template, t.count])).toEqual([['user <*> logged in from gateway', 6]]);
  });

  it('a session key without a capture group uses the whole match', async () => {
    const s = [L(1, T0, 'req-1 open', 'INFO'), L(2, T0 + 1, 'req-1 close', 'INFO'), L(3, T0 + 2, 'req-2 open', 'INFO'), L(4, T0 + 3, 'no session here', 'INFO')];
    const r = await runDetector([arraySource(s)], { config: cfg, sessionKey: 'req-\\d' });
    expect(r.sessions!.sessions).toBe(2);
    expect(Object.values(r.sessions!.signatures).sort()).toEqual([1, 1]);
    expect(Object.keys(r.sessions!.signatures).map((sig) => sig.split(' ').length).sort()).toEqual([1, 2]);
    const none = await runDetector([arraySource(s)], { config: cfg });
    expect(none.sessions).toBeNull();
  });
});

describe('the findings document', () => {
  const HOUR = 60 * MIN;
  function normal(from: number, ms: number) {
    return byTime([
      ...spread(from, ms, Math.round((ms / (5 * MIN)) * 10), (i) => `user u${1000 + (i % 97)} logged in from 10.0.${i % 9}.${i % 200}`),
      ...spread(from, ms, Math.round(ms / 5000), (i) => `heartbeat worker-${i % 3} queue depth ${i % 11}`),
    ]);
  }
  let model: BaselineModel | undefined;
  const baseline = async () => (model ??= (await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(normal(T0, 2 * HOUR))] })).model);

  it('says what was read, against which baseline, when and by whom; templates list every known one with this run\'s count', async () => {
    const m = await baseline();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR).filter((l) => !l.content.startsWith('user')), ...spread(start, 10 * MIN, 3, (i) => `backup job ${i} failed`, 'ERROR')]);
    const r = await runDetector([arraySource(input)], { config: cfg, model: m, now: () => new Date(Date.UTC(2026, 11, 1)) });
    expect(r.doc.schema).toBeTypeOf('string');
    expect(r.doc.generatedAt).toBe('2026-12-01T00:00:00.000Z');
    expect(r.doc.detector).toEqual({ name: 'log-anomaly-builtin', version: '1.0.0' });
    expect(r.doc.input).toEqual({ lines: input.length, streams: ['app'], from: input[0].timestamp, to: input[input.length - 1].timestamp, templates: 2 });
    expect(r.doc.baseline).toEqual({ lines: m.lines, templates: Object.keys(m.templates).length, source: m.source });
    expect(r.doc.bucketSeconds).toBe(300);
    const counts = new Map(r.templates.map((t) => [t.template, t.count]));
    expect(counts.get('user <*> logged in from <*>')).toBe(0);
    expect(counts.get('backup job <*> failed')).toBe(3);
    expect(r.templates).toHaveLength(3);
    const noBase = await runDetector([arraySource(input)], { config: cfg });
    expect(noBase.doc.baseline).toBeNull();
  });

  it('findings sort by score, then earliest, then id', async () => {
    const m = await baseline();
    const start = T0 + 2 * HOUR;
    const input = byTime([
      ...normal(start, HOUR),
      ...spread(start + 30 * MIN, MIN, 2, (i) => `cache node c${i} evicted under pressure`, 'WARN'),
      ...spread(start + 10 * MIN, MIN, 2, (i) => `queue q${i} paused by operator`, 'WARN'),
      ...spread(start + 10 * MIN, MIN, 2, (i) => `lease l${i} renewed early again`, 'WARN'),
    ]);
    const r = await runDetector([arraySource(input)], { config: cfg, model: m });
    const news = r.doc.anomalies.filter((a) => a.kind === 'new_template');
    expect(news).toHaveLength(3);
    expect(new Set(news.map((a) => a.score)).size).toBe(1);
    const order = [...news].sort((a, b) => (a.firstSeen ?? 0) - (b.firstSeen ?? 0) || (a.id < b.id ? -1 : 1));
    expect(news.map((a) => a.id)).toEqual(order.map((a) => a.id));
    expect(news[2].template).toContain('cache node');
    const scores = r.doc.anomalies.map((a) => a.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('a kind switched off in the config is not reported; the others still are', async () => {
    const m = await baseline();
    const start = T0 + 2 * HOUR;
    const input = byTime([...normal(start, HOUR), ...spread(start + 20 * MIN, 5 * MIN, 200, (i) => `user u${2000 + i} logged in from 10.1.2.${i % 250}`), ...spread(start, MIN, 2, (i) => `backup job ${i} failed`, 'ERROR')]);
    const all = await runDetector([arraySource(input)], { config: cfg, model: m });
    const kinds = (d: AnomaliesDoc) => [...new Set(d.anomalies.map((a) => a.kind))].sort();
    expect(kinds(all.doc)).toEqual(['frequency_spike', 'new_template']);
    const off = (k: string) => ({ ...cfg, rules: { ...cfg.rules, kinds: { ...cfg.rules.kinds, [k]: { ...cfg.rules.kinds[k as keyof typeof cfg.rules.kinds], enabled: false } } } });
    expect(kinds((await runDetector([arraySource(input)], { config: off('frequency_spike'), model: m })).doc)).toEqual(['new_template']);
    expect(kinds((await runDetector([arraySource(input)], { config: off('new_template'), model: m })).doc)).toEqual(['frequency_spike']);
  });
});

describe('cells the baseline does not learn', () => {
  const doc = (anomalies: Partial<Anomaly>[]) => ({ bucketSeconds: 300, anomalies }) as unknown as AnomaliesDoc;
  it('every bucket of a frequency, silence or stream-silence finding, by template; nothing of other kinds', () => {
    const cells = flaggedCells(doc([
      { kind: 'frequency_spike', templateId: 't1', bucket: 0, lastSeen: 2 * B - 1 },
      { kind: 'frequency_drop', templateId: 't2', bucket: B, lastSeen: 2 * B - 1 },
      { kind: 'silence', templateId: 't3', bucket: 3 * B, lastSeen: 3 * B },
      { kind: 'stream_silence', templateId: 'stream:x', bucket: 0, lastSeen: 0 },
      { kind: 'new_template', templateId: 't4', bucket: 0, lastSeen: B },
      { kind: 'error_rate_surge', templateId: 't5', bucket: 0, lastSeen: B },
      { kind: 'frequency_spike', templateId: 't6', lastSeen: B },
      { kind: 'frequency_spike', templateId: 't7', bucket: 0, lastSeen: null },
    ]));
    expect([...cells].sort()).toEqual(['stream:x:0', 't1:0', `t1:${B}`, `t2:${B}`, `t3:${3 * B}`].sort());
  });
});
