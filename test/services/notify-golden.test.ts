/**
 * What people are told, compared whole with files under __notify__: the email (subject, text and
 * HTML bodies) per recipient and the two webhook bodies (signed JSON, Slack), for an analysis with
 * more incidents than a message details, every kind of count wording, and missing parts (no
 * sample, no explanation, no stream, no onset). The send tests check delivery and single facts;
 * mutation testing showed most of the wording was otherwise unchecked.
 * Update on purpose with `npx vitest run test/services/notify-golden.test.ts -u`.
 */
import { describe, expect, it } from 'vitest';
import type { AnomalyBrief, IncidentBrief } from '../../src/bus/events.js';
import type { AnalyzeOutput, EmailInput } from '../../src/contracts.js';
import { composeEmail, counts, subjectFor } from '../../src/services/email/compose.js';
import { jsonPayload } from '../../src/services/webhook/payload-json.js';
import { slackPayload } from '../../src/services/webhook/payload-slack.js';

const AT = Date.parse('2026-12-04T09:15:00Z');

function trigger(over: Partial<AnomalyBrief>): AnomalyBrief {
  return { kind: 'new_template', severity: 'high', score: 5, template: 'tpl <*>', count: 3, expected: null, sample: 'tpl 1', explanation: 'never seen in the baseline', ...over };
}

function incident(n: number, over: Partial<IncidentBrief>, t: Partial<AnomalyBrief>): IncidentBrief {
  return { id: `inc-${n}`, title: `svc${n}: thing ${n}`, severity: 'high', onset: AT + n * 60_000, streams: [`svc${n}`], findings: 1, trigger: trigger(t), ...over };
}

const INCIDENTS: IncidentBrief[] = [
  incident(1, { severity: 'critical', title: 'payments: db pool <exhausted> & `stuck`', streams: ['payments', 'payments-db'], findings: 3 }, {
    severity: 'critical', template: 'db pool <*> exhausted', count: 40, sample: 'db pool main exhausted @channel <!here>', explanation: '40 lines, never seen',
  }),
  incident(2, {}, { kind: 'frequency_spike', count: 900, expected: 100.4, sample: undefined }),
  incident(3, { findings: 2 }, { kind: 'frequency_drop', count: 1, expected: 9.94, explanation: undefined }),
  incident(4, { onset: null, streams: [] }, { kind: 'silence', count: 0, expected: null }),
  incident(5, { severity: 'medium' }, { kind: 'silence', count: 0, expected: 12.6 }),
  incident(6, { severity: 'low' }, { kind: 'session_anomaly', count: 1, expected: null }),
  incident(7, { severity: 'low' }, { kind: 'session_anomaly', count: 2, expected: 3 }),
];

const ANALYSIS: AnalyzeOutput = {
  reportJson: '/runs/r/report.json',
  reportMd: '/runs/r/report.md',
  reportHtml: '/runs/r/report.html',
  shouldNotify: true,
  notifyReason: 'Notify 2 of 2 recipient(s) about 7 incident(s) (most severe: critical).',
  recipients: ['oncall@example.com', 'payments@example.com'],
  // The router capped payments' list (total 12, 1 detailed).
  routes: [
    { to: 'oncall@example.com', incidents: INCIDENTS, total: 7 },
    { to: 'Payments@Example.com', incidents: INCIDENTS.slice(0, 1), total: 12 },
  ],
  reported: 9,
  total: 11,
  bySeverity: { info: 0, low: 2, medium: 1, high: 3, critical: 1 },
  source: 'file:logs/*.log',
  top: [],
  incidents: INCIDENTS,
};

function email(over: Partial<EmailInput> = {}): EmailInput {
  return { runDir: '/runs/r', runId: 'run-7', analysis: ANALYSIS, subjectPrefix: '[anomaly]', reportUri: 'https://files.test/run-7/report.html?a=1&b=2', ...over };
}

const show = (m: { subject: string; text: string; html: string }) => `Subject: ${m.subject}\n\n${m.text}\n---- html ----\n${m.html}\n`;

describe('what an email says', () => {
  it('per recipient: the routed incidents, at most five detailed, with every count wording', async () => {
    await expect(show(composeEmail(email(), 'oncall@example.com'))).toMatchFileSnapshot('./__notify__/oncall.eml.txt');
    // Routes match the recipient case-insensitively; the total is the router's, not the list's length.
    await expect(show(composeEmail(email(), 'payments@example.com'))).toMatchFileSnapshot('./__notify__/payments.eml.txt');
  });

  it('a recipient without a route and a call without a recipient get every incident', () => {
    const all = composeEmail(email());
    expect(composeEmail(email(), 'someone@example.com')).toEqual(all);
    expect(all).toEqual(composeEmail(email(), 'oncall@example.com'));
  });

  it('the report link: linked when http(s), file or s3, shown as text otherwise, and said missing when absent', () => {
    expect(composeEmail(email({ reportUri: 'S3://bucket/run-7/report.html' })).html).toContain('<p><a href="S3://bucket/run-7/report.html">Open the full report</a></p>');
    expect(composeEmail(email({ reportUri: 'file:///runs/r/report.html' })).html).toContain('<a href="file:///runs/r/report.html">');
    const other = composeEmail(email({ reportUri: 'javascript:alert(1)' }));
    expect(other.html).toContain('<p>Full report: <code>javascript:alert(1)</code></p>');
    expect(other.text).toContain('\nFull report: javascript:alert(1)\n');
    const none = composeEmail(email({ reportUri: undefined }));
    expect(none.text.endsWith('\nThe report could not be uploaded; it is kept with the run on the pipeline machine.\n')).toBe(true);
    expect(none.html).toContain('\n<p>The report could not be uploaded; it is kept with the run on the pipeline machine.</p>\n');
  });

  it('subjects: one incident has no "+N"; none names the anomaly count and the source', () => {
    const one = email({ analysis: { ...ANALYSIS, incidents: INCIDENTS.slice(1, 2) } });
    expect(subjectFor(one)).toBe('[anomaly] [high] svc2: thing 2 run run-7');
    expect(subjectFor(email({ analysis: { ...ANALYSIS, incidents: [], reported: 1 } }))).toBe('[anomaly] 1 anomaly in file:logs/*.log (run run-7)');
    expect(subjectFor(email({ subjectPrefix: '', analysis: { ...ANALYSIS, incidents: [], reported: 3, source: undefined } }))).toBe('3 anomalies in logs (run run-7)');
    expect(subjectFor(email(), INCIDENTS, 2)).toBe('[anomaly] [critical] payments: db pool <exhausted> & `stuck` (+1 incident) run run-7');
  });

  it('counts: lines or sessions, and what was expected (one decimal under ten)', () => {
    expect(counts(trigger({ count: 1 }))).toBe('1 line');
    expect(counts(trigger({ count: 10, expected: 10 }))).toBe('10 lines, about 10 expected');
    expect(counts(trigger({ count: 10, expected: 9.96 }))).toBe('10 lines, about 10.0 expected');
    expect(counts(trigger({ kind: 'silence', count: 0, expected: 0.4 }))).toBe('no lines where about 0 were expected');
    expect(counts(trigger({ kind: 'session_anomaly', count: 1 }))).toBe('1 session');
    expect(counts(trigger({ kind: 'session_anomaly', count: 2, expected: 3 }))).toBe('2 sessions, about 3.0 expected');
  });
});

describe('what a webhook says', () => {
  const common = { runId: 'run-7', reportUri: 'https://files.test/run-7/report.html?a=1&b=2', analysis: ANALYSIS, incidents: INCIDENTS, total: 9 };

  it('the signed JSON body', async () => {
    const body = JSON.stringify(JSON.parse(jsonPayload({ ...common, id: 'run-7.abc', webhook: 'ops-hook' })), null, 2) + '\n';
    await expect(body).toMatchFileSnapshot('./__notify__/webhook.json');
  });

  it('the JSON body without a report or a source', () => {
    const p = JSON.parse(jsonPayload({ ...common, reportUri: undefined, analysis: { ...ANALYSIS, source: undefined }, id: 'x', webhook: 'w' })) as { run: unknown };
    expect(p.run).toEqual({ id: 'run-7', reportUri: null, source: null });
  });

  it('the Slack message', async () => {
    const body = JSON.stringify(JSON.parse(slackPayload(common)), null, 2) + '\n';
    await expect(body).toMatchFileSnapshot('./__notify__/slack.json');
  });

  it('Slack: one incident, no incident, and report links that are not http(s) or absent', () => {
    const parse = (s: string) => JSON.parse(s) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    const one = parse(slackPayload({ ...common, incidents: INCIDENTS.slice(1, 2), total: 1 }));
    expect(one.text).toBe('[high] svc2: thing 2, run run-7');
    expect(one.blocks[0].text?.text).toBe('[high] svc2: thing 2');
    expect(one.blocks.map((b) => b.type)).toEqual(['header', 'section', 'divider', 'section', 'section']);
    const none = parse(slackPayload({ ...common, runId: 'r<1>', incidents: [], total: 0, reportUri: 's3://b/k|x' }));
    expect(none.text).toBe('Anomalies in run r&lt;1&gt;');
    expect(none.blocks[0].text?.text).toBe('Anomalies in run r<1>');
    expect(none.blocks.at(-1)?.text?.text).toBe('Full report: `s3://b/k|x`');
    const missing = parse(slackPayload({ ...common, reportUri: undefined }));
    expect(missing.blocks.at(-1)?.text?.text).toBe('The report could not be uploaded; it is kept with the run on the pipeline machine.');
    expect(parse(slackPayload({ ...common, reportUri: 'https://h.test/a|b<c>' })).blocks.at(-1)?.text?.text).toBe('<https://h.test/a%7Cb%3Cc%3E|Open the full report>');
  });
});
