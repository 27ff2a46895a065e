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

  it('a webhook without rule fields takes every incident at notify.minSeverity; below it, the reason names the severities', () => {
    const cfg = config({ notify: { recipients: [], minSeverity: 'critical', subjectPrefix: '', webhooks: [hook({})] } });
    expect(routeWebhooks(incidents, findings, cfg).map((r) => r.incidents.map((i) => i.id))).toEqual([['pay']]);
    const high = [findings[1]];
    const only = [incidents[1]];
    expect(decideNotify(high, cfg, [], routeWebhooks(only, high, cfg))).toEqual({ shouldNotify: false, reason: 'No notification: the most severe reported finding is high, below notify.minSeverity critical.' });
  });
});

describe('recipient routing: stream patterns and kinds', () => {
  const findingOf = (id: string, kind: Anomaly['kind']) => ({ ...anomaly({ id, kind }), severity: 'high' as const, detectorSeverity: 'high' as const });
  const incOn = (stream: string, kind: Anomaly['kind'] = 'new_template') =>
    ({ id: `inc-${stream}-${kind}`, title: stream, severity: 'high', trigger: `f-${stream}-${kind}`, findings: [`f-${stream}-${kind}`], streams: [stream], onset: null, end: null, volume: 1 }) as Incident;
  const told = (rule: { streams?: string[]; kinds?: Anomaly['kind'][] }, incs: Incident[]) => {
    const findings = incs.map((i) => findingOf(i.trigger, i.id.endsWith('frequency_spike') ? 'frequency_spike' : 'new_template'));
    const cfg = config({ notify: { recipients: ['r@example.com'], routes: { 'r@example.com': rule }, minSeverity: 'high', subjectPrefix: '' } });
    return routeIncidents(incs, findings, cfg).flatMap((r) => r.incidents.map((i) => i.streams[0]));
  };
  const streams = (pattern: string, names: string[]) => told({ streams: [pattern] }, names.map((n) => incOn(n)));

  it('a * matches any run of characters, at the start, middle or end; without a * the name must be equal', () => {
    expect(streams('pay*', ['pay', 'payments', 'xpay'])).toEqual(['pay', 'payments']);
    expect(streams('*-db', ['pay-db', '-db', 'pay-db2'])).toEqual(['pay-db', '-db']);
    expect(streams('a*b*c', ['abc', 'axxbyyc', 'acb', 'ab', 'abbc'])).toEqual(['abc', 'axxbyyc', 'abbc']);
    // The prefix and the suffix may not overlap.
    expect(streams('ab*ba', ['aba', 'abba', 'abxba'])).toEqual(['abba', 'abxba']);
    expect(streams('a*x*a', ['axa', 'aa', 'axxa'])).toEqual(['axa', 'axxa']);
    expect(streams('api', ['api', 'api2', 'xapi'])).toEqual(['api']);
  });

  it('a rule matches when any of its stream patterns matches any stream, and any of its kinds is in the incident', () => {
    expect(told({ streams: ['nope', 'pay*'] }, [incOn('payments'), incOn('web')])).toEqual(['payments']);
    expect(told({ kinds: ['silence', 'frequency_spike'] }, [incOn('a', 'frequency_spike'), incOn('b', 'new_template')])).toEqual(['a']);
  });
});
