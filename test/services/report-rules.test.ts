/** Threshold edges of the analyze_report rules: a value exactly at a threshold passes it. */
import { describe, expect, it } from 'vitest';
import type { DetectionConfig } from '../../src/config/detection-types.js';
import type { Anomaly } from '../../src/detector/anomalies-schema.js';
import { applyRules } from '../../src/services/report/rules.js';

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
