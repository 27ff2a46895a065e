import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDetectionConfig, parseDetectionConfig } from '../../src/config/detection-config.js';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detector/defaults.js';

const err = (text: string) => {
  try {
    parseDetectionConfig(text, 'config.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('detection config', () => {
  it('parses the example and keeps only the kinds it mentions', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'detection-config.yaml'), 'utf8');
    const c = parseDetectionConfig(text, 'examples/detection-config.yaml');
    expect(c.version).toBe('2026.11.3');
    expect(c.notify.recipients).toEqual(['oncall@example.com', 'payments-team@example.com']);
    expect(Object.keys(c.rules.kinds).sort()).toEqual(['frequency_drop', 'rare_template']);
    expect(c.rules.kinds.rare_template).toEqual({ enabled: true, minScore: 0, severity: 'low' });
  });

  it('defaults to the detector defaults', () => {
    const c = parseDetectionConfig('version: 7\n', 'c.yaml');
    expect(c.version).toBe('7');
    expect(c.thresholds).toEqual(DEFAULT_DETECTION_CONFIG.thresholds);
    expect(c.notify).toEqual(DEFAULT_DETECTION_CONFIG.notify);
  });

  it('the built-in defaults (made without parsing YAML) are what a document naming only its version parses to', () => {
    expect(DEFAULT_DETECTION_CONFIG).toEqual(parseDetectionConfig('version: builtin-defaults\n', 'c.yaml'));
    expect(defaultDetectionConfig('7', 'c.yaml')).toEqual(parseDetectionConfig('version: 7\n', 'c.yaml'));
  });

  it('gives the exact message the issue asks for', () => {
    expect(err('version: "1"\nthresholds:\n  spikeFactor: high\n')).toBe('config.yaml:3:16 thresholds.spikeFactor: expected a number > 1, got "high"');
  });

  it('rejects bad recipients, severities and regexes with their positions', () => {
    expect(err('version: a\nnotify:\n  recipients: [ops example.com]\n')).toMatch(/^config.yaml:3:16 notify.recipients\[0\]: expected an email address/);
    expect(err('version: a\nrules: { minSeverity: urgent }\n')).toMatch(/rules.minSeverity: expected one of info, low, medium, high, critical, got "urgent"/);
    expect(err('version: a\nignore: ["("]\n')).toMatch(/^config.yaml:2:10 ignore\[0\]: not a valid regular expression/);
    expect(err('thresholds: {}\n')).toBe('config.yaml:1:1 version: is required');
  });

  it('takes a central team\'s mutes and accepts, validated with positions', () => {
    const c = parseDetectionConfig('version: a\nmutes:\n  - { templateId: 1a2b3c4d, kind: silence, reason: maintenance, until: 2026-12-31 }\n  - { action: accept, template: "GC pause <*>", reason: normal }\n', 'c.yaml');
    expect(c.mutes).toEqual([
      { action: 'mute', templateId: '1a2b3c4d', kind: 'silence', reason: 'maintenance', until: '2026-12-31' },
      { action: 'accept', template: 'GC pause <*>', reason: 'normal' },
    ]);
    expect(err('version: a\nmutes:\n  - { reason: x }\n')).toMatch(/^config.yaml:3:5 mutes\[0\].template: a mute needs template or templateId/);
    expect(err('version: a\nmutes:\n  - { template: x, reason: y, until: tomorrow }\n')).toMatch(/^config.yaml:3:38 mutes\[0\].until: expected an ISO date or time/);
    expect(err('version: a\nmutes:\n  - { template: x, reson: y }\n')).toMatch(/mutes\[0\].reson: unknown key \(did you mean "reason"\?\)/);
  });

  it('takes recipients with routing rules next to plain addresses, validated with did-you-mean', () => {
    const c = parseDetectionConfig('version: a\nnotify:\n  recipients:\n    - oncall@example.com\n    - { to: Payments@example.com, streams: [payments, "api-*"], minSeverity: medium, kinds: [new_template] }\n', 'c.yaml');
    expect(c.notify.recipients).toEqual(['oncall@example.com', 'Payments@example.com']);
    expect(c.notify.routes).toEqual({ 'payments@example.com': { streams: ['payments', 'api-*'], kinds: ['new_template'], minSeverity: 'medium' } });
    expect(err('version: a\nnotify:\n  recipients:\n    - { to: a@example.com, stream: [payments] }\n')).toMatch(/^config.yaml:4:28 notify.recipients\[0\].stream: unknown key \(did you mean "streams"\?\)/);
    expect(err('version: a\nnotify:\n  recipients:\n    - { to: a@example.com, kinds: [spike] }\n')).toMatch(/notify.recipients\[0\].kinds\[0\]: expected one of new_template/);
    expect(err('version: a\nnotify:\n  recipients:\n    - { streams: [x] }\n')).toMatch(/notify.recipients\[0\].to: is required/);
  });

  it('keeps a numeric version as written', () => {
    expect(parseDetectionConfig('version: 1.10\n', 'c.yaml').version).toBe('1.10');
  });

  it('suggests the camelCase key for a snake_case one', () => {
    expect(err('version: "1"\nthresholds:\n  spike_factor: 4\n')).toMatch(/^config.yaml:3:3 thresholds.spike_factor: unknown key \(did you mean "spikeFactor"\?\)/);
  });

  it('validates per-kind rules and bounds', () => {
    expect(err('version: "1"\nrules:\n  kinds:\n    new_templates: { enabled: false }\n')).toMatch(/rules.kinds.new_templates: unknown key \(did you mean "new_template"\?\)/);
    expect(err('version: "1"\nthresholds: { bucketSeconds: 5 }\n')).toMatch(/thresholds.bucketSeconds: expected an integer >= 10 and <= 86400, got 5/);
    expect(err('version: "1"\nrules: { kinds: { silence: { enabled: maybe } } }\n')).toMatch(/rules.kinds.silence.enabled: expected true or false, got "maybe"/);
  });

  it('reports YAML syntax errors with file, line and column', () => {
    expect(err('version: "1"\nignore: [\n')).toMatch(/^config.yaml:\d+:\d+: invalid YAML: /);
    expect(err('version: "1"\nversion: "2"\n')).toMatch(/^config.yaml:2:1: invalid YAML: .*unique/i);
  });

  it('refuses an alias bomb from the network instead of expanding it', () => {
    const aliases = Array(2000).fill('*e').join(', ');
    const ok = parseDetectionConfig(`version: "1"\nnotify:\n  subjectPrefix: &e "a@b.co"\n  recipients: [*e, *e]\n`, 'c.yaml');
    expect(ok.notify.recipients).toEqual(['a@b.co', 'a@b.co']);
    expect(err(`version: "1"\nnotify:\n  subjectPrefix: &e "a@b.co"\n  recipients: [${aliases}]\n`)).toMatch(
      /^config.yaml:1:1: too many alias references \(more than 1000\)$/,
    );
  });
});
