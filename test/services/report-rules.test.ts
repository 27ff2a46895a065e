/** Threshold edges of the analyze_report rules: a value exactly at a threshold passes it. */
import { describe, expect, it } from 'vitest';
import type { DetectionConfig } from '../../src/config/detection-types.js';
import type { Anomaly } from '../../src/detector/anomalies-schema.js';
import { applyRules, decideNotify, routeIncidents, routeWebhooks } from '../../src/services/report/rules.js';
import type { Incident } from '../../src/detector/anomalies-schema.js';

function anomaly(over: Partial<Anomaly>): Anomaly {
  return {
    id: 'a1',
    kind: 'frequency_spike',
    severity: 'medium',
    score: 4,
    template: 'GET <*>',
    templateId: 't1',
    count: 3,
    expected: 1,
    firstSeen: 0,
    lastSeen: 1,
    explanation: 'x',
    samples: [],
    ...over,
  };
}

function config(over: Partial<DetectionConfig> = {}): DetectionConfig {
  return {
    version: '1',
    thresholds: { bucketSeconds: 60, spikeFactor: 3, dropFactor: 3, errorRateFactor: 2, minCount: 3, rareMaxCount: 1 },
    rules: { minSeverity: 'medium', kinds: { frequency_spike: { enabled: true, minScore: 4 } } },
    ignore: [],
    mutes: [],
    notify: { recipients: ['oncall@example.com'], minSeverity: 'high', subjectPrefix: '[a]' },
    ...over,
  };
}

describe('rule thresholds', () => {
  it('a score exactly at the kind minScore is reported; just below is suppressed', () => {
    const out = applyRules([anomaly({ id: 'at', score: 4 }), anomaly({ id: 'below', score: 3.999 })], config(), []);
    expect(out.reported.map((f) => f.id)).toEqual(['at']);
    expect(out.suppressed.below_min_score).toBe(1);
  });

  it('a severity exactly at rules.minSeverity is reported; one rank below is suppressed', () => {
    const out = applyRules([anomaly({ id: 'at', severity: 'medium' }), anomaly({ id: 'below', severity: 'low' })], config(), []);
    expect(out.reported.map((f) => f.id)).toEqual(['at']);
    expect(out.suppressed.below_min_severity).toBe(1);
  });

  it('a severity override decides the minSeverity check (at the threshold after the override)', () => {
    const cfg = config({ rules: { minSeverity: 'high', kinds: { frequency_spike: { enabled: true, minScore: 0, severity: 'high' } } } });
    const out = applyRules([anomaly({ severity: 'low' })], cfg, []);
    expect(out.reported.map((f) => [f.severity, f.detectorSeverity])).toEqual([['high', 'low']]);
  });
});

describe('webhook routing (the recipients rule fields)', () => {
  const inc = (id: string, severity: 'medium' | 'high' | 'critical', streams: string[], finding: string) =>
    ({ id, title: id, severity, trigger: finding, findings: [finding], streams, onset: null, end: null, volume: 1 }) as Incident;
  const findings = [
    { ...anomaly({ id: 'f1', kind: 'new_template' }), severity: 'critical' as const, detectorSeverity: 'critical' as const },
    { ...anomaly({ id: 'f2', kind: 'frequency_spike' }), severity: 'high' as const, detectorSeverity: 'high' as const },
  ];
  const incidents = [inc('pay', 'critical', ['payments-api'], 'f1'), inc('web', 'high', ['web'], 'f2')];
  const hook = (over: object) => ({ name: 'h', format: 'slack' as const, urlEnv: 'U', timeoutMs: 1000, ...over });

  it('each webhook gets the incidents its streams/kinds/minSeverity match; one with none is left out', () => {
    const cfg = config({ notify: { recipients: [], minSeverity: 'high', subjectPrefix: '', webhooks: [hook({ name: 'pay', streams: ['payments*'] }), hook({ name: 'spikes', kinds: ['frequency_spike'] }), hook({ name: 'crit', minSeverity: 'critical' }), hook({ name: 'none', streams: ['db'] })] } });
    const routes = routeWebhooks(incidents, findings, cfg);
    expect(routes.map((r) => [r.webhook.name, r.incidents.map((i) => i.id)])).toEqual([['pay', ['pay']], ['spikes', ['web']], ['crit', ['pay']]]);
    const d = decideNotify(findings, cfg, routeIncidents(incidents, findings, cfg), routes);
    expect(d).toEqual({ shouldNotify: true, reason: 'Notify 3 of 4 webhook(s) about 2 incident(s) (most severe: critical).' });
  });

  it('webhooks alone notify; no matching rule anywhere does not', () => {
    const cfg = config({ notify: { recipients: [], minSeverity: 'high', subjectPrefix: '', webhooks: [hook({ streams: ['db'] })] } });
    expect(decideNotify(findings, cfg, [], routeWebhooks(incidents, findings, cfg))).toEqual({ shouldNotify: false, reason: "No notification: no incident matches any recipient's or webhook's rule." });
  });
});
