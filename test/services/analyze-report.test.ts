import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeReport } from '../../src/services/analyze-report.js';
import { createStandaloneContext } from '../../src/services/context.js';
import type { AnalyzeInput } from '../../src/contracts.js';
import type { DetectionConfig } from '../../src/config/detection-types.js';
import type { AnomaliesDoc, Anomaly } from '../../src/detector/anomalies-schema.js';
import type { ReportDoc } from '../../src/services/report/model.js';

const HOSTILE = '<script>alert(1)</script> \u001b[31mred\u001b[0m " & \'';

function anomaly(over: Partial<Anomaly> & Pick<Anomaly, 'id'>): Anomaly {
  return {
    kind: 'new_template',
    severity: 'high',
    score: 5,
    template: 'Connection to <*> refused',
    templateId: 't1',
    count: 3,
    expected: null,
    firstSeen: 1_700_000_000_000,
    lastSeen: 1_700_000_060_000,
    explanation: 'never seen in the baseline',
    samples: [{ line: 'Connection to 10.0.0.1 refused', lineNo: 7, stream: 'api', timestamp: 1_700_000_000_000 }],
    ...over,
  };
}

function doc(anomalies: Anomaly[]): AnomaliesDoc {
  return {
    schema: 'log-anomaly-pipeline/anomalies',
    version: 2,
    generatedAt: '2026-01-01T00:00:00Z',
    detector: { name: 'builtin', version: '1' },
    input: { lines: 100, streams: ['api'], from: 1_700_000_000_000, to: 1_700_000_600_000, templates: 9 },
    baseline: null,
    bucketSeconds: 60,
    histogram: { start: 1_700_000_000_000, bucketSeconds: 60, counts: [10, 12, 90, 11], anomalous: [false, false, true, false] },
    anomalies,
    incidents: [],
  };
}

function config(over: Partial<DetectionConfig> = {}): DetectionConfig {
  return {
    version: '7',
    thresholds: { bucketSeconds: 60, spikeFactor: 3, dropFactor: 3, errorRateFactor: 2, minCount: 3, rareMaxCount: 1 },
    rules: { minSeverity: 'low', kinds: {} },
    ignore: [],
    mutes: [],
    notify: { recipients: ['oncall@example.com'], minSeverity: 'high', subjectPrefix: '[anomaly]' },
    ...over,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'analyze-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(anomalies: unknown, cfg = config(), extra: Partial<AnalyzeInput> = {}) {
  const anomaliesFile = join(dir, 'anomalies.json');
  await writeFile(anomaliesFile, JSON.stringify(Array.isArray(anomalies) ? doc(anomalies as Anomaly[]) : anomalies));
  const ctx = createStandaloneContext();
  const out = await analyzeReport(
    {
      runDir: dir,
      runId: 'run-1',
      dryRun: false,
      anomaliesFile,
      config: cfg,
      configMeta: { version: cfg.version, origin: 'http://skyu.test/config.yaml', etag: '"abc"', revision: 'r42' },
      ingest: { lines: 100, streams: ['api'], from: 1_700_000_000_000, to: 1_700_000_600_000, source: 'file:logs/*.log' },
      plannedReportUri: 'file:///reports/run-1/report.html',
      ...extra,
    },
    ctx,
  );
  const report = JSON.parse(await readFile(out.reportJson, 'utf8')) as ReportDoc;
  return { out, report, ctx };
}

describe('analyzeReport rules', () => {
  it('a presigned report link is a credential: the report files name the object without its signature', async () => {
    const link = 'https://b.s3.eu-west-1.amazonaws.com/runs/run-1/report.html?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=deadbeef';
    const { out, report } = await run([anomaly({ id: 'a', severity: 'high' })], config(), { plannedReportUri: link });
    expect(report.reportUri).toBe('https://b.s3.eu-west-1.amazonaws.com/runs/run-1/report.html');
    for (const f of [out.reportJson, out.reportMd, out.reportHtml]) {
      const text = await readFile(f, 'utf8');
      expect(text, f).not.toContain('X-Amz-Signature');
      expect(text, f).not.toContain('AKIAEXAMPLE');
    }
  });

  it('drops findings below rules.minSeverity and counts them as suppressed', async () => {
    const { out, report } = await run([anomaly({ id: 'a', severity: 'low' }), anomaly({ id: 'b', severity: 'high' })], config({ rules: { minSeverity: 'medium', kinds: {} } }));
    expect(out.reported).toBe(1);
    expect(out.total).toBe(2);
    expect(report.findings.map((f) => f.id)).toEqual(['b']);
    expect(report.suppressed.byReason.below_min_severity).toBe(1);
  });

  it('applies per-kind rules: disabled, minScore, severity override', async () => {
    const cfg = config({
      rules: {
        minSeverity: 'low',
        kinds: {
          rare_template: { enabled: false, minScore: 0 },
          frequency_spike: { enabled: true, minScore: 4 },
          error_rate_surge: { enabled: true, minScore: 0, severity: 'critical' },
        },
      },
    });
    const { report, out } = await run(
      [
        anomaly({ id: 'rare', kind: 'rare_template' }),
        anomaly({ id: 'weak-spike', kind: 'frequency_spike', score: 3.9 }),
        anomaly({ id: 'strong-spike', kind: 'frequency_spike', score: 4.1, severity: 'medium' }),
        anomaly({ id: 'surge', kind: 'error_rate_surge', severity: 'low', score: 1 }),
      ],
      cfg,
    );
    expect(report.findings.map((f) => f.id)).toEqual(['surge', 'strong-spike']);
    expect(report.findings[0].severity).toBe('critical');
    expect(report.findings[0].detectorSeverity).toBe('low');
    expect(report.suppressed.byReason).toMatchObject({ kind_disabled: 1, below_min_score: 1 });
    expect(out.bySeverity).toMatchObject({ critical: 1, medium: 1, high: 0 });
    expect(out.top[0]).toMatchObject({ kind: 'error_rate_surge', severity: 'critical' });
  });

  it('ignore patterns match the template or any sample line', async () => {
    const { report } = await run(
      [
        anomaly({ id: 'by-template', template: 'health check <*> ok' }),
        anomaly({ id: 'by-sample', samples: [{ line: 'GET /healthz from lb-7', lineNo: 1, stream: 'api', timestamp: null }] }),
        anomaly({ id: 'kept' }),
      ],
      config({ ignore: ['^health check', '/healthz'] }),
    );
    expect(report.findings.map((f) => f.id)).toEqual(['kept']);
    expect(report.suppressed.byReason.ignore_pattern).toBe(2);
    expect(report.suppressed.ignoredBy).toEqual({ '^health check': 1, '/healthz': 1 });
  });

  it('an invalid ignore regex names the config field', async () => {
    await expect(run([anomaly({ id: 'a' })], config({ ignore: ['ok', '(unclosed'] }))).rejects.toThrow(/ignore\[1\].*invalid regular expression/);
  });
});

describe('analyzeReport notify decision', () => {
  it('notifies when a reported finding reaches notify.minSeverity and recipients exist', async () => {
    const { out } = await run([anomaly({ id: 'a', severity: 'critical' })]);
    expect(out.shouldNotify).toBe(true);
    expect(out.recipients).toEqual(['oncall@example.com']);
    expect(out.notifyReason).toBe('Notify 1 of 1 recipient(s) about 1 incident(s) (most severe: critical).');
  });

  it('routes: each recipient gets the incidents its rule matches, and no email when none match', async () => {
    const at = 1_700_000_000_000;
    const findings = [
      anomaly({ id: 'pay', templateId: 'p1', template: 'db pool exhausted', stream: 'payments', severity: 'critical', firstSeen: at, lastSeen: at + 60_000 }),
      anomaly({ id: 'auth', templateId: 'a1', template: 'token cache <*> evicted', kind: 'frequency_spike', stream: 'auth', severity: 'high', firstSeen: at + 3_600_000, lastSeen: at + 3_700_000 }),
      anomaly({ id: 'web', templateId: 'w1', template: 'slow render <*>', stream: 'web', severity: 'medium', firstSeen: at + 7_200_000, lastSeen: at + 7_300_000 }),
    ];
    const cfg = config({
      notify: {
        recipients: ['oncall@example.com', 'payments@example.com', 'auth@example.com', 'web@example.com'],
        routes: {
          'payments@example.com': { streams: ['pay*'] },
          'auth@example.com': { streams: ['auth'], kinds: ['new_template'] },
          'web@example.com': { streams: ['web'], minSeverity: 'medium' },
        },
        minSeverity: 'high',
        subjectPrefix: '[anomaly]',
      },
    });
    const { out } = await run(findings, cfg);
    const told = Object.fromEntries((out.routes ?? []).map((r) => [r.to, r.incidents.map((i) => i.trigger.template)]));
    expect(told).toEqual({
      // No rule: every incident at notify.minSeverity (high), so not the medium web one.
      'oncall@example.com': ['db pool exhausted', 'token cache <*> evicted'],
      'payments@example.com': ['db pool exhausted'],
      // Its rule wants new_template incidents on auth; the auth incident is a spike: no email.
      'web@example.com': ['slow render <*>'],
    });
    expect(out.recipients).toEqual(['oncall@example.com', 'payments@example.com', 'web@example.com']);
    expect(out.notifyReason).toBe('Notify 3 of 4 recipient(s) about 3 incident(s) (most severe: critical).');
  });

  it('does not notify below notify.minSeverity, and says why', async () => {
    const { out, report } = await run([anomaly({ id: 'a', severity: 'medium' })]);
    expect(out.shouldNotify).toBe(false);
    expect(out.notifyReason).toMatch(/most severe reported finding is medium, below notify.minSeverity high/);
    expect(report.notify).toMatchObject({ shouldNotify: false, emailSent: false });
  });

  it('does not notify without recipients', async () => {
    const cfg = config({ notify: { recipients: [], minSeverity: 'low', subjectPrefix: 'x' } });
    const { out } = await run([anomaly({ id: 'a', severity: 'critical' })], cfg);
    expect(out.shouldNotify).toBe(false);
    expect(out.notifyReason).toMatch(/recipients is empty/);
  });

  it('no findings: no notification', async () => {
    const { out } = await run([]);
    expect(out).toMatchObject({ shouldNotify: false, reported: 0, total: 0, top: [], incidents: [] });
    expect(out.notifyReason).toMatch(/no finding was reported/);
  });
});

describe('analyzeReport files', () => {
  it('writes report.md, report.html and report.json, json last, with run/config/window facts', async () => {
    const { out, report, ctx } = await run([anomaly({ id: 'a', severity: 'critical' })]);
    const times = await Promise.all([out.reportMd, out.reportHtml, out.reportJson].map(async (f) => (await stat(f)).mtimeMs));
    expect(times[2]).toBeGreaterThanOrEqual(Math.max(times[0], times[1]));
    expect(ctx.artifacts.map((a) => a.name)).toEqual(['report.md', 'report.html', 'report.json']);
    expect(report).toMatchObject({
      schema: 'log-anomaly-pipeline/report',
      runId: 'run-1',
      config: { version: '7', origin: 'http://skyu.test/config.yaml', etag: '"abc"', revision: 'r42' },
      input: { from: 1_700_000_000_000, to: 1_700_000_600_000, source: 'file:logs/*.log', templates: 9 },
      counts: { total: 1, reported: 1, suppressed: 0 },
      notify: { shouldNotify: true, recipients: 1, emailSent: 'pending' },
      reportUri: 'file:///reports/run-1/report.html',
    });
    expect(out.histogram).toEqual({ start: 1_700_000_000_000, bucketSeconds: 60, counts: [10, 12, 90, 11], anomalous: [false, false, true, false] });
    const md = await readFile(out.reportMd, 'utf8');
    expect(md).toContain('version 7');
    expect(md).toContain('CRITICAL new_template');
    expect(md).not.toContain('dry run');
    const html = await readFile(out.reportHtml, 'utf8');
    expect(html).toMatch(/<svg class="chart"[\s\S]*class="bar anomalous"/);
    expect((html.match(/class="bar anomalous"/g) ?? []).length).toBe(1);
  });

  it('escapes hostile log text in HTML, strips escapes in Markdown, and has no scripts', async () => {
    const { out } = await run([
      anomaly({ id: 'x', template: `user ${HOSTILE}`, explanation: `spike of ${HOSTILE}`, samples: [{ line: HOSTILE, lineNo: 1, stream: '<b>s</b>', timestamp: null }], stream: '<b>s</b>' }),
    ]);
    const html = await readFile(out.reportHtml, 'utf8');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>s</b>');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;s&lt;/b&gt;');
    expect(html).toContain("default-src 'none'");
    const md = await readFile(out.reportMd, 'utf8');
    expect(md).not.toContain('\u001b');
    expect(md).toContain('<script>alert(1)</script>'); // inside a code fence, where Markdown shows it literally
  });

  it('dry run adds a visible note and changes nothing else', async () => {
    const wet = await run([anomaly({ id: 'a', severity: 'critical' })]);
    const dry = await run([anomaly({ id: 'a', severity: 'critical' })], config(), { dryRun: true });
    expect(dry.out.shouldNotify).toBe(wet.out.shouldNotify);
    expect(dry.report.findings).toEqual(wet.report.findings);
    expect(await readFile(dry.out.reportHtml, 'utf8')).toContain('dry run: no email sent');
    expect(await readFile(dry.out.reportMd, 'utf8')).toContain('dry run: no email sent');
    expect(dry.report.notify.emailSent).toBe(false);
  });
});

describe('analyzeReport invalid input', () => {
  it('names the file and field of an invalid anomalies.json', async () => {
    const bad = { ...doc([anomaly({ id: 'a' })]), anomalies: [{ ...anomaly({ id: 'a' }), severity: 'urgent' }] };
    await expect(run(bad)).rejects.toThrow(/anomalies\.json anomalies\[0\]\.severity: expected one of info, low, medium, high, critical, got "urgent"/);
  });

  it('names the file when it is not JSON, and does not retry', async () => {
    const anomaliesFile = join(dir, 'anomalies.json');
    await writeFile(anomaliesFile, '{"schema": ');
    const err = await analyzeReport(
      {
        runDir: dir, runId: 'r', dryRun: false, anomaliesFile, config: config(),
        configMeta: { version: '1', origin: 'x' }, ingest: { lines: 0, streams: [], from: null, to: null, source: 's' },
      },
      createStandaloneContext(),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INPUT_INVALID', retryable: false });
    expect((err as Error).message).toContain(`${anomaliesFile}: invalid JSON`);
  });

  it('writes no report when the input is invalid', async () => {
    await run({ schema: 'nope' }).catch(() => undefined);
    await expect(stat(join(dir, 'report.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('histogram chart', () => {
  it('merges long runs into at most 120 bars and keeps anomalous buckets marked', async () => {
    const { mergeBuckets, renderHistogramSvg } = await import('../../src/services/report/chart.js');
    const counts = Array.from({ length: 1000 }, (_, i) => i % 7);
    const anomalous = counts.map((_, i) => i === 555);
    const h = { start: 0, bucketSeconds: 60, counts, anomalous };
    const { bars, bucketSeconds } = mergeBuckets(h);
    expect(bars.length).toBeLessThanOrEqual(120);
    expect(bucketSeconds).toBe(60 * Math.ceil(1000 / 120));
    expect(bars.reduce((a, b) => a + b.count, 0)).toBe(counts.reduce((a, b) => a + b, 0));
    expect(bars.filter((b) => b.anomalous)).toHaveLength(1);
    expect((renderHistogramSvg(h).match(/<rect /g) ?? []).length).toBe(bars.length);
    expect(renderHistogramSvg({ start: null, bucketSeconds: 60, counts: [], anomalous: [] })).toContain('No timestamped events');
  });
});
