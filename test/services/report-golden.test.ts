/**
 * The three report files and the step's output for one run that uses every rule and every part of
 * the report, compared whole with files under __reports__: a change in what a reader sees (a
 * heading, a count, a link, an escape, a limit) shows as a diff there. The other analyze tests
 * check single facts; mutation testing showed the renderers' text was otherwise unchecked.
 * Update on purpose with `npx vitest run test/services/report-golden.test.ts -u`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeReport, toIncidentBrief } from '../../src/services/analyze-report.js';
import { createStandaloneContext } from '../../src/services/context.js';
import type { DetectionConfig } from '../../src/config/detection-types.js';
import type { AnomaliesDoc, Anomaly } from '../../src/detector/anomalies-schema.js';
import { renderMarkdown } from '../../src/services/report/render-md.js';
import { renderHtml } from '../../src/services/report/render-html.js';
import { mergeBuckets } from '../../src/services/report/chart.js';
import type { ReportedFinding } from '../../src/services/report/rules.js';
import type { ReportDoc } from '../../src/services/report/model.js';

const T = Date.UTC(2026, 11, 4, 8, 0, 0);
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);

function finding(over: Partial<Anomaly> & Pick<Anomaly, 'id' | 'templateId' | 'template'>): Anomaly {
  return {
    kind: 'new_template',
    severity: 'high',
    score: 5,
    count: 3,
    expected: null,
    firstSeen: T,
    lastSeen: T + 60_000,
    explanation: 'never seen in the baseline',
    samples: [],
    ...over,
  };
}

const sample = (line: string, lineNo: number, stream = 'payments') => ({ line, lineNo, stream, timestamp: T });

const ANOMALIES: Anomaly[] = [
  finding({
    id: 'new_template:p1', templateId: 'p1', template: 'db pool exhausted after <*> ms', severity: 'critical', score: 7.456, count: 40, stream: 'payments',
    explanation: 'never seen in the baseline | 40 lines',
    samples: [sample('db pool exhausted after 30000 ms', 11), sample('db pool exhausted after 31000 ms ``quoted``', 12), sample('db pool exhausted after 32000 ms', 13), sample('fourth sample, not shown', 14)],
  }),
  finding({
    id: 'frequency_spike:p2', templateId: 'p2', template: 'request timeout on <*>', kind: 'frequency_spike', severity: 'high', score: 5.25, count: 30, expected: 3.25,
    stream: 'payments', firstSeen: T + 30_000, lastSeen: T + 90_000, explanation: '30 in a bucket, 3.25 expected', samples: [sample('request timeout on /pay', 20)],
  }),
  // The config raises this kind to high: the report says what the detector said.
  finding({
    id: 'error_rate_surge:a1', templateId: 'a1', template: 'token `cache` | evicted <*>', kind: 'error_rate_surge', severity: 'low', score: 2.5, stream: 'auth',
    firstSeen: T + 7_200_000, lastSeen: T + 7_260_000, samples: [sample('token `cache` | evicted 9', 30, 'auth')],
  }),
  // No stream and no time.
  finding({ id: 'rare_template:w1', templateId: 'w1', template: 'slow render <*>', kind: 'rare_template', severity: 'medium', score: 3, firstSeen: null, lastSeen: null }),
  // A mute that expired before the run: reported.
  finding({ id: 'new_template:e1', templateId: 'e1', template: 'cert renewed for <*>', severity: 'low', score: 1.5, stream: 'edge', firstSeen: T + 14_400_000, lastSeen: T + 14_400_000 }),
  finding({ id: 'new_template:i1', templateId: 'i1', template: 'health`check ok', severity: 'high' }),
  finding({ id: 'new_template:m1', templateId: 'm1', template: 'muted thing <*>', severity: 'high' }),
  finding({ id: 'rare_template:m1', templateId: 'm1', template: 'muted thing <*>', kind: 'rare_template', severity: 'medium' }),
  finding({ id: 'new_template:c1', templateId: 'c1', template: 'accepted thing <*>', severity: 'high' }),
  finding({ id: 'session_anomaly:d1', templateId: 'd1', template: 'session oddity', kind: 'session_anomaly', severity: 'high' }),
  finding({ id: 'frequency_spike:s1', templateId: 's1', template: 'weak spike <*>', kind: 'frequency_spike', severity: 'high', score: 1.9 }),
  finding({ id: 'new_template:f1', templateId: 'f1', template: 'just info', severity: 'info' }),
];

const DOC: AnomaliesDoc = {
  schema: 'log-anomaly-pipeline/anomalies',
  version: 2,
  generatedAt: '2026-12-04T11:59:00Z',
  detector: { name: 'builtin', version: '3.1' },
  input: { lines: 5000, streams: ['payments', 'auth', 'edge'], from: T, to: T + 14_400_000, templates: 42 },
  baseline: { lines: 90_000, templates: 310, source: 'runs/base' },
  bucketSeconds: 60,
  histogram: { start: T, bucketSeconds: 3600, counts: [1200, 0, 3000, 800, 1], anomalous: [true, false, true, false, false] },
  anomalies: ANOMALIES,
  incidents: [],
};

const CONFIG: DetectionConfig = {
  version: '12',
  thresholds: { bucketSeconds: 60, spikeFactor: 3, dropFactor: 3, errorRateFactor: 2, minCount: 3, rareMaxCount: 1 },
  rules: {
    minSeverity: 'low',
    kinds: {
      session_anomaly: { enabled: false, minScore: 0 },
      frequency_spike: { enabled: true, minScore: 2 },
      error_rate_surge: { enabled: true, minScore: 0, severity: 'high' },
    },
  },
  ignore: ['^health`check'],
  mutes: [
    { action: 'mute', templateId: 'm1', reason: 'known', until: '2026-12-05' },
    { action: 'accept', templateId: 'c1', reason: 'expected now' },
    { action: 'mute', templateId: 'e1', reason: 'was known', until: '2026-12-01' },
  ],
  notify: {
    recipients: ['oncall@example.com', 'payments@example.com', 'PAYMENTS@example.com', 'edge@example.com'],
    routes: { 'payments@example.com': { streams: ['pay*'] }, 'edge@example.com': { streams: ['edge'], minSeverity: 'low' } },
    webhooks: [
      { name: 'auth-hook', format: 'json', urlEnv: 'AUTH_HOOK_URL', secretEnv: 'AUTH_HOOK_SECRET', timeoutMs: 5000, streams: ['auth'] },
      { name: 'quiet-hook', format: 'slack', urlEnv: 'QUIET_URL', timeoutMs: 5000, kinds: ['silence'] },
    ],
    minSeverity: 'high',
    subjectPrefix: '[anomaly]',
  },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-golden-'));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

async function analyze(extra: { dryRun?: boolean } = {}) {
  const anomaliesFile = join(dir, 'anomalies.json');
  await writeFile(anomaliesFile, JSON.stringify(DOC));
  const ctx = createStandaloneContext();
  const out = await analyzeReport(
    {
      runDir: dir,
      runId: 'golden-1',
      dryRun: extra.dryRun ?? false,
      anomaliesFile,
      config: CONFIG,
      configMeta: { version: '12', origin: 'https://config.test/detection.yaml', etag: '"e-12"', revision: 'r7' },
      ingest: { lines: 5000, streams: ['payments', 'auth', 'edge'], from: T, to: T + 14_400_000, source: 'file:logs/*.log' },
      plannedReportUri: 'https://reports.test/runs/golden-1/report.html?sig=secret',
    },
    ctx,
  );
  const read = (f: string) => readFile(f, 'utf8');
  return { out, ctx, md: await read(out.reportMd), html: await read(out.reportHtml), json: await read(out.reportJson) };
}

describe('report files, whole', () => {
  it('report.md, report.html, report.json and the step output for a run using every rule', async () => {
    const { out, ctx, md, html, json } = await analyze();
    await expect(md).toMatchFileSnapshot('./__reports__/report.md');
    await expect(html).toMatchFileSnapshot('./__reports__/report.html');
    await expect(json).toMatchFileSnapshot('./__reports__/report.json');
    const output = JSON.stringify({ ...out, reportMd: '<dir>/report.md', reportHtml: '<dir>/report.html', reportJson: '<dir>/report.json' }, null, 2) + '\n';
    await expect(output).toMatchFileSnapshot('./__reports__/output.json');
    expect(ctx.artifacts.map((a) => [a.name, a.bytes])).toEqual([
      ['report.md', Buffer.byteLength(md)],
      ['report.html', Buffer.byteLength(html)],
      ['report.json', Buffer.byteLength(json)],
    ]);
    expect(ctx.artifacts.map((a) => a.uri)).toEqual(['report.md', 'report.html', 'report.json'].map((f) => new URL(`file://${join(dir, f)}`).href));
  });

  it('a dry run: the note at the top of report.md and report.html, and no email pending', async () => {
    const { md, html, json } = await analyze({ dryRun: true });
    expect(md.split('\n').slice(0, 4)).toEqual(['# Log anomaly report: run golden-1', '', '> **dry run: no email sent**', '']);
    expect(html).toContain('<h1>Log anomaly report: run golden-1</h1>\n<p class="note">dry run: no email sent</p>\n<table>');
    expect((JSON.parse(json) as ReportDoc).notify).toMatchObject({ shouldNotify: true, emailSent: false });
  });

  it('lists at most 50 findings in Markdown and 200 in HTML, and says how many more are in report.json', async () => {
    const { json } = await analyze();
    const report = JSON.parse(json) as ReportDoc;
    const many = (n: number): ReportDoc => ({ ...report, incidents: [], findings: Array.from({ length: n }, (_, i) => ({ ...report.findings[0], id: `f${i}` })) });
    const mdHeads = (r: ReportDoc) => renderMarkdown(r).match(/^### \d+\. /gm)?.length;
    expect(mdHeads(many(50))).toBe(50);
    expect(renderMarkdown(many(50))).not.toContain('more in report.json');
    expect(mdHeads(many(52))).toBe(50);
    expect(renderMarkdown(many(52)).endsWith('\n…and 2 more in report.json.\n\n')).toBe(true);
    const htmlHeads = (r: ReportDoc) => renderHtml(r).match(/<h3 id="finding-/g)?.length;
    expect(htmlHeads(many(200))).toBe(200);
    expect(renderHtml(many(200))).not.toContain('more in report.json');
    expect(htmlHeads(many(203))).toBe(200);
    expect(renderHtml(many(203))).toContain('<p class="muted">…and 3 more in report.json.</p>');
  });

  it('no findings: both files say so, and there is no suppressed table', async () => {
    const { json } = await analyze();
    const report = JSON.parse(json) as ReportDoc;
    const none: ReportDoc = {
      ...report,
      incidents: [],
      findings: [],
      reportUri: null,
      counts: { total: 0, reported: 0, suppressed: 0, bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 }, byKind: {} },
      notify: { ...report.notify, shouldNotify: false, reason: 'No notification: no finding was reported.' },
      suppressed: { byReason: { ...report.suppressed.byReason, ignore_pattern: 0, muted: 0, accepted: 0, kind_disabled: 0, below_min_score: 0, below_min_severity: 0 }, ignoredBy: {}, mutedBy: {} },
    };
    const md = renderMarkdown(none);
    await expect(md).toMatchFileSnapshot('./__reports__/empty.md');
    await expect(renderHtml(none)).toMatchFileSnapshot('./__reports__/empty.html');
    expect(md).toContain('## Incidents\n\nNo incidents: no findings passed the rules.\n');
    expect(md).toContain('## Findings\n\nNo findings passed the rules.\n');
    expect(md).not.toContain('## Suppressed');
    expect(md).not.toContain('- Report:');
    const html = renderHtml(none);
    expect(html).toContain('<h2>Incidents</h2>\n<p>No incidents: no findings passed the rules.</p>\n<h2>Findings</h2>\n<p>No findings passed the rules.</p>\n');
    expect(html).not.toContain('<h2>Suppressed</h2>');
    expect(html).not.toContain('<th>Report</th>');
  });
});

/** A sparse run: more findings and incidents than the summary carries, no webhooks, no timestamps, no baseline. */
function sparseFindings(): Anomaly[] {
  const out: Anomaly[] = [];
  for (let i = 1; i <= 11; i++) {
    out.push(finding({
      id: `f${i}`, templateId: `t${i}`, template: i === 1 ? 'op1 ``x`` failed on <*>' : `op${i} failed on <*>`, stream: `svc${i}`,
      kind: i === 3 ? 'error_rate_surge' : 'new_template', severity: 'high', score: ((i * 7) % 11) + 1,
      firstSeen: T + i * 7_200_000, lastSeen: T + i * 7_200_000 + 60_000,
      samples: [sample(i === 1 ? 'op1 ```fenced``` failed' : `op${i} failed on node${i}`, i, `svc${i}`)],
    }));
  }
  // Same template: the spike's own sample is not an instance of it, so its brief borrows the other's.
  out.push(finding({ id: 'conn-b', templateId: 'c', template: 'conn reset by <*>', kind: 'frequency_spike', severity: 'high', score: 20, stream: 'conn', firstSeen: T + 100_000_000, lastSeen: T + 100_060_000, samples: [sample('session 42 started', 50, 'conn')] }));
  out.push(finding({ id: 'conn-r', templateId: 'r', template: 'conn reset by <*> on retry', severity: 'high', score: 15, stream: 'conn2', firstSeen: T + 110_000_000, lastSeen: T + 110_060_000, samples: [sample('conn reset by timeout', 60, 'conn2')] }));
  out.push(finding({ id: 'conn-a', templateId: 'c', template: 'conn reset by <*>', severity: 'low', score: 1, stream: 'conn', firstSeen: T + 100_000_000, lastSeen: T + 100_060_000, samples: [sample('conn reset by peer', 51, 'conn')] }));
  out.push(finding({ id: 'noise', templateId: 'n', template: 'noise <*>', severity: 'high' }));
  return out;
}

describe('a sparse run', () => {
  async function sparse(histogram: AnomaliesDoc['histogram'], anomalies = sparseFindings()) {
    const anomaliesFile = join(dir, 'anomalies.json');
    await writeFile(anomaliesFile, JSON.stringify({ ...DOC, baseline: null, histogram, anomalies }));
    const ctx = createStandaloneContext();
    const cfg: DetectionConfig = {
      ...CONFIG,
      rules: { minSeverity: 'low', kinds: {} },
      ignore: ['^noise'],
      mutes: [],
      notify: {
        recipients: ['a@example.com', 'kinds@example.com'],
        routes: { 'a@example.com': { streams: ['nomatch', 'svc*'] }, 'kinds@example.com': { kinds: ['error_rate_surge', 'silence'] } },
        minSeverity: 'low',
        subjectPrefix: '',
      },
    };
    const out = await analyzeReport(
      {
        runDir: dir, runId: 'sparse-1', dryRun: false, anomaliesFile, config: cfg,
        configMeta: { version: '3', origin: 'file:detection.yaml' },
        ingest: { lines: 10, streams: [], from: null, to: null, source: 'file:x.log' },
      },
      ctx,
    );
    return { out, ctx, report: JSON.parse(await readFile(out.reportJson, 'utf8')) as ReportDoc };
  }

  it('the summary carries the top ten findings and incidents; routes keep their totals; no webhooks, no histogram', async () => {
    const { out, ctx, report } = await sparse({ start: null, bucketSeconds: 60, counts: [5, 6], anomalous: [false, true] });
    // Most severe first, then highest score.
    expect(out.top.map((b) => b.score)).toEqual([20, 15, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(out.top[0]).toMatchObject({ template: 'conn reset by <*>', sample: 'conn reset by peer' });
    expect(out.incidents).toHaveLength(10);
    expect(out.routes?.map((r) => [r.to, r.incidents.length, r.total])).toEqual([['a@example.com', 10, 11], ['kinds@example.com', 1, 1]]);
    expect(out.routes?.[1].incidents[0].trigger.kind).toBe('error_rate_surge');
    expect(out).not.toHaveProperty('webhooks');
    expect(out).not.toHaveProperty('histogram');
    // Eleven incidents are routed (the conn ones match no rule).
    expect(out.notifyReason).toBe('Notify 2 of 2 recipient(s) about 11 incident(s) (most severe: high).');
    expect(ctx.logs.filter((l) => l.level === 'info').slice(0, 2)).toEqual([
      { level: 'info', msg: 'analysis done', fields: { total: 15, reported: 14, incidents: report.incidents.length, suppressed: 1, shouldNotify: true } },
      { level: 'info', msg: out.notifyReason, fields: undefined },
    ]);
    // Only an ignore pattern suppressed anything; the first incident spans two streams.
    const shown: ReportDoc = { ...report, generatedAt: '2026-12-04T12:00:00.000Z', incidents: report.incidents.map((inc, i) => (i === 0 ? { ...inc, streams: [...inc.streams, `${inc.streams[0]}-db`] } : inc)) };
    await expect(renderMarkdown(shown)).toMatchFileSnapshot('./__reports__/sparse.md');
    await expect(renderHtml(shown)).toMatchFileSnapshot('./__reports__/sparse.html');
  });

  it('a histogram with a start but no buckets is left out of the summary', async () => {
    const { out } = await sparse({ start: T, bucketSeconds: 60, counts: [], anomalous: [] }, []);
    expect(out).not.toHaveProperty('histogram');
  });

  it('a cancel while the report files are written stops before report.json', async () => {
    const anomaliesFile = join(dir, 'anomalies.json');
    await writeFile(anomaliesFile, JSON.stringify(DOC));
    const ac = new AbortController();
    const ctx = createStandaloneContext({ signal: ac.signal });
    // Cancelled as report.md is announced: report.html is the next write.
    const artifact = ctx.artifact;
    const names: string[] = [];
    const err = await analyzeReport(
      {
        runDir: dir, runId: 'c-1', dryRun: false, anomaliesFile, config: CONFIG, configMeta: { version: '12', origin: 'x' },
        ingest: { lines: 1, streams: [], from: null, to: null, source: 's' },
      },
      { ...ctx, artifact: (a) => { names.push(a.name); artifact(a); ac.abort(); } },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED', message: 'analyze_report aborted' });
    expect(names).toEqual(['report.md']);
    await expect(readFile(join(dir, 'report.json'))).rejects.toThrow(/ENOENT/);
  });

  it('a step cancelled before it starts reads nothing and writes nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await analyzeReport(
      {
        runDir: dir, runId: 'c-0', dryRun: false, anomaliesFile: join(dir, 'absent.json'), config: CONFIG, configMeta: { version: '12', origin: 'x' },
        ingest: { lines: 1, streams: [], from: null, to: null, source: 's' },
      },
      createStandaloneContext({ signal: ac.signal }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED', message: 'analyze_report aborted' });
  });

  it('a cancel after the last HTML write still stops before report.json', async () => {
    const anomaliesFile = join(dir, 'anomalies.json');
    await writeFile(anomaliesFile, JSON.stringify(DOC));
    const ac = new AbortController();
    const ctx = createStandaloneContext({ signal: ac.signal });
    const err = await analyzeReport(
      {
        runDir: dir, runId: 'c-2', dryRun: false, anomaliesFile, config: CONFIG, configMeta: { version: '12', origin: 'x' },
        ingest: { lines: 1, streams: [], from: null, to: null, source: 's' },
      },
      { ...ctx, artifact: (a) => { if (a.name === 'report.html') ac.abort(); } },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ABORTED', message: 'analyze_report aborted' });
    await expect(readFile(join(dir, 'report.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('analyze_report input problems', () => {
  const input = (anomaliesFile: string, cfg = CONFIG) => ({
    runDir: dir, runId: 'e-1', dryRun: false, anomaliesFile, config: cfg, configMeta: { version: '12', origin: 'https://config.test/d.yaml' },
    ingest: { lines: 1, streams: [], from: null, to: null, source: 's' },
  });

  it('a missing anomalies.json is NOT_FOUND, an unreadable one IO, an unparsable one INPUT_INVALID naming the file', async () => {
    const missing = join(dir, 'nope.json');
    expect(await analyzeReport(input(missing), createStandaloneContext()).catch((e: unknown) => e)).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(new RegExp(`^cannot read ${missing}: `)) });
    expect(await analyzeReport(input(dir), createStandaloneContext()).catch((e: unknown) => e)).toMatchObject({ code: 'IO', message: expect.stringMatching(/^cannot read .*EISDIR/) });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '[1,');
    expect(await analyzeReport(input(bad), createStandaloneContext()).catch((e: unknown) => e)).toMatchObject({ code: 'INPUT_INVALID', details: { file: bad } });
  });

  it('a bad ignore pattern names the detection config it came from', async () => {
    const file = join(dir, 'anomalies.json');
    await writeFile(file, JSON.stringify(DOC));
    const err = await analyzeReport(input(file, { ...CONFIG, ignore: ['ok', '(open'] }), createStandaloneContext()).catch((e: unknown) => e);
    expect((err as Error).message).toContain('detection config https://config.test/d.yaml');
  });

  it('an incident brief carries at most ten streams and a title of at most 120 characters', () => {
    const f = { ...ANOMALIES[0], severity: 'high', detectorSeverity: 'high' } as ReportedFinding;
    const streams = Array.from({ length: 12 }, (_, i) => `s${i}`);
    const brief = toIncidentBrief({ id: 'i', title: 'x'.repeat(130), severity: 'high', trigger: f.id, findings: [f.id], streams, onset: 1, end: 2, volume: 3 }, new Map([[f.id, f]]), [f]);
    expect(brief.streams).toEqual(streams.slice(0, 10));
    expect(brief.title).toBe('x'.repeat(119) + '…');
  });

  it('chart bars of a histogram without a start carry no start', () => {
    expect(mergeBuckets({ start: null, bucketSeconds: 60, counts: [1, 2], anomalous: [false, true] }).bars).toEqual([
      { count: 1, anomalous: false, start: null },
      { count: 2, anomalous: true, start: null },
    ]);
  });
});
