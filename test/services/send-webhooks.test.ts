/**
 * The webhook channel against a real loopback receiver (test/helpers/http-server.ts): what is
 * posted (signed JSON, Slack's message shape, escaping), how each answer is classified, and the
 * ledger's at-most-once rule across calls (a second call is what a retry, a resume or a
 * re-execution does).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhooks, WEBHOOK_LEDGER_FILE } from '../../src/services/send-webhooks.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { verifyWebhookSignature } from '../../src/services/webhook/sign.js';
import { untrusted } from '../../src/services/webhook/payload-slack.js';
import type { AnalyzeOutput, WebhookInput, WebhookTarget } from '../../src/contracts.js';
import { startHttpServer, unusedUrl, type RecordedRequest, type TestHttpServer } from '../helpers/http-server.js';

const HOSTILE = '<!channel> & <@U024BE7LH> <https://evil.example|click> `tick` @here';
const SECRET = 'whsec_test_0123456789';
const SLACK_PATH = '/services/T000/B000/XXXXsecretTOKEN';

const incident = {
  id: 'inc-1', title: `auth: login failed ${HOSTILE}`, severity: 'critical', onset: Date.parse('2026-12-04T09:15:00Z'), streams: ['auth'], findings: 2,
  trigger: { kind: 'new_template', severity: 'critical', score: 9.5, template: `login failed for <*> ${HOSTILE}`, count: 12, expected: 0.5, sample: `user=${HOSTILE}`, explanation: 'never seen before' },
};

const analysis: AnalyzeOutput = {
  reportJson: 'report.json', reportMd: 'report.md', reportHtml: 'report.html',
  shouldNotify: true, notifyReason: 'x', recipients: [], reported: 2, total: 5,
  bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 2 }, source: 'file:logs/*.log', top: [], incidents: [incident],
};

let runDir: string;
let srv: TestHttpServer;
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'webhooks-'));
  srv = await startHttpServer({ status: 200, body: 'ok' });
});
afterEach(async () => {
  await srv.close();
  await rm(runDir, { recursive: true, force: true });
});

function target(over: Partial<WebhookTarget> = {}): WebhookTarget {
  return { name: 'pager', format: 'json', urlEnv: 'PAGER_URL', secretEnv: 'PAGER_SECRET', timeoutMs: 2000, url: `${srv.url}/hooks/pager`, secret: SECRET, incidents: [incident], total: 1, ...over };
}
function slack(over: Partial<WebhookTarget> = {}): WebhookTarget {
  return { name: 'chat', format: 'slack', urlEnv: 'SLACK_URL', timeoutMs: 2000, url: `${srv.url}${SLACK_PATH}`, incidents: [incident], total: 1, ...over };
}
function input(targets: WebhookTarget[], over: Partial<WebhookInput> = {}): WebhookInput {
  return { runDir, runId: 'run-7', analysis, targets, reportUri: 'https://reports.example/run-7/report.html?X-Amz-Signature=abc&x=1', ...over };
}
const ledger = async () => JSON.parse(await readFile(join(runDir, WEBHOOK_LEDGER_FILE), 'utf8')) as { sent: Record<string, { state: string; messageId: string }> };
const header = (r: RecordedRequest, name: string) => r.headers[name.toLowerCase()] as string | undefined;

describe('generic JSON webhook', () => {
  it('posts a versioned payload whose HMAC signature verifies, with a delivery id that is also the body id', async () => {
    const ctx = createStandaloneContext();
    const out = await sendWebhooks(input([target()]), ctx);
    expect(out.deliveries).toMatchObject([{ name: 'pager', status: 'sent', httpStatus: 200, url: `${srv.url}/…` }]);
    expect(srv.requests).toHaveLength(1);
    const req = srv.requests[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hooks/pager');
    expect(header(req, 'content-type')).toMatch(/^application\/json/);
    const ok = verifyWebhookSignature({ secret: SECRET, body: req.body, timestamp: header(req, 'X-LogAnomaly-Timestamp'), signature: header(req, 'X-LogAnomaly-Signature') });
    expect(ok).toBe(true);
    // a wrong secret, a changed body or an old timestamp do not verify
    expect(verifyWebhookSignature({ secret: 'other', body: req.body, timestamp: header(req, 'X-LogAnomaly-Timestamp'), signature: header(req, 'X-LogAnomaly-Signature') })).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, body: req.body.toString() + ' ', timestamp: header(req, 'X-LogAnomaly-Timestamp'), signature: header(req, 'X-LogAnomaly-Signature') })).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, body: req.body, timestamp: header(req, 'X-LogAnomaly-Timestamp'), signature: header(req, 'X-LogAnomaly-Signature'), now: Number(header(req, 'X-LogAnomaly-Timestamp')) + 301 })).toBe(false);

    const body = JSON.parse(req.body.toString('utf8'));
    expect(body).toMatchObject({
      type: 'log_anomaly.incidents',
      version: 1,
      id: header(req, 'X-LogAnomaly-Delivery'),
      webhook: 'pager',
      run: { id: 'run-7', reportUri: input([]).reportUri, source: 'file:logs/*.log' },
      summary: { incidents: 1, included: 1, findings: 2 },
    });
    expect(body.incidents[0]).toMatchObject({
      id: 'inc-1', severity: 'critical', onset: '2026-12-04T09:15:00.000Z', streams: ['auth'],
      trigger: { kind: 'new_template', count: 12, expected: 0.5, sample: `user=${HOSTILE}`, template: `login failed for <*> ${HOSTILE}` },
    });
    expect(header(req, 'X-LogAnomaly-Delivery')).toBe(out.deliveries[0].deliveryId);
    expect((await ledger()).sent.pager).toMatchObject({ state: 'sent', messageId: out.deliveries[0].deliveryId });
  });

  it('posts once per webhook per run: a second call (retry, resume, re-execution) posts nothing', async () => {
    await sendWebhooks(input([target()]), createStandaloneContext());
    const again = await sendWebhooks(input([target()]), createStandaloneContext());
    expect(again.deliveries[0]).toMatchObject({ status: 'already_sent' });
    expect(srv.requests).toHaveLength(1);
  });

  it('a 4xx other than 408/429 is a refusal for good: failed, not retryable, nothing in the ledger', async () => {
    srv.script({ status: 403, body: 'invalid_token' });
    const ctx = createStandaloneContext();
    const [d] = (await sendWebhooks(input([slack()]), ctx)).deliveries;
    expect(d).toMatchObject({ status: 'failed', retryable: false, httpStatus: 403 });
    expect(d.error).toContain('invalid_token');
    expect((await ledger()).sent).toEqual({});
    // the Slack URL's path is its token: never printed
    expect(JSON.stringify([d, ctx.logs])).not.toContain('secretTOKEN');
  });

  it.each([429, 408, 500, 503])('HTTP %i is retryable and leaves no ledger entry; the next call posts again', async (status) => {
    srv.script({ status, headers: { 'retry-after': '1' } });
    const [d] = (await sendWebhooks(input([target()]), createStandaloneContext())).deliveries;
    expect(d).toMatchObject({ status: 'failed', retryable: true, httpStatus: status });
    expect((await ledger()).sent).toEqual({});
    const [d2] = (await sendWebhooks(input([target()]), createStandaloneContext())).deliveries;
    expect(d2).toMatchObject({ status: 'sent' });
    expect(srv.requests).toHaveLength(2);
    // the same delivery both times
    expect(header(srv.requests[0], 'X-LogAnomaly-Delivery')).toBe(header(srv.requests[1], 'X-LogAnomaly-Delivery'));
  });

  it('a 2xx whose body never finishes is still delivered (the status decides)', async () => {
    const slow = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`;
      // The timeout is what ends the wait for the body; 300 ms was once shorter than the status
      // line took to arrive in a loaded full run, which read as no answer at all.
      const [d] = (await sendWebhooks(input([target({ url, timeoutMs: 2000 })]), createStandaloneContext())).deliveries;
      expect(d).toMatchObject({ status: 'sent', httpStatus: 200 });
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it('a redirect is not followed: refused for good', async () => {
    srv.script({ status: 302, headers: { location: 'https://elsewhere.example/' } });
    const [d] = (await sendWebhooks(input([target()]), createStandaloneContext())).deliveries;
    expect(d).toMatchObject({ status: 'failed', retryable: false, httpStatus: 302 });
    expect(srv.requests).toHaveLength(1);
  });

  it('a refused connection sent nothing: retryable, no ledger entry', async () => {
    const [d] = (await sendWebhooks(input([target({ url: `${await unusedUrl()}/hook` })]), createStandaloneContext())).deliveries;
    expect(d).toMatchObject({ status: 'failed', retryable: true });
    expect(d.error).toMatch(/before anything was sent/);
    // the ledger is written once the connection is up: a refused one never touched it
    await expect(ledger()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('no answer after the request went out is unknown: not posted again unless resendUnknown, then with the same delivery id', async () => {
    srv.script({ hang: true });
    const [d] = (await sendWebhooks(input([target({ timeoutMs: 300 })]), createStandaloneContext())).deliveries;
    expect(d).toMatchObject({ status: 'unknown' });
    expect(d.error).toMatch(/after the request was sent/);
    expect((await ledger()).sent.pager.state).toBe('sending');

    const ctx = createStandaloneContext();
    const [again] = (await sendWebhooks(input([target()]), ctx)).deliveries;
    expect(again).toMatchObject({ status: 'unknown', deliveryId: d.deliveryId });
    expect(srv.requests).toHaveLength(1);
    expect(ctx.logs.some((l) => l.level === 'warn' && /--resend-unknown/.test(l.msg))).toBe(true);

    // a refused resend keeps it unknown (the first request may still have arrived)
    srv.script({ status: 500 });
    const [refused] = (await sendWebhooks(input([target()], { resendUnknown: true }), createStandaloneContext())).deliveries;
    expect(refused).toMatchObject({ status: 'failed', retryable: true });
    expect((await ledger()).sent.pager.state).toBe('sending');

    const [resent] = (await sendWebhooks(input([target()], { resendUnknown: true }), createStandaloneContext())).deliveries;
    expect(resent).toMatchObject({ status: 'sent', deliveryId: d.deliveryId });
    expect(srv.requests.map((r) => header(r, 'X-LogAnomaly-Delivery'))).toEqual([d.deliveryId, d.deliveryId, d.deliveryId]);
    expect((await ledger()).sent.pager.state).toBe('sent');
  });

  it('webhooks are independent: one refused, one delivered', async () => {
    srv.setFallback((r) => (r.url.startsWith('/services/') ? { status: 404, body: 'no_service' } : { status: 204 }));
    const out = await sendWebhooks(input([target(), slack()]), createStandaloneContext());
    expect(out.deliveries.map((d) => [d.name, d.status])).toEqual([['pager', 'sent'], ['chat', 'failed']]);
  });
});

describe('Slack incoming webhook', () => {
  it('posts text plus blocks; log text is escaped for mrkdwn so it cannot mention, link or break a code span', async () => {
    await sendWebhooks(input([slack()]), createStandaloneContext());
    const req = srv.requests[0];
    expect(header(req, 'X-LogAnomaly-Signature')).toBeUndefined();
    const body = JSON.parse(req.body.toString('utf8')) as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: unknown[] }[] };
    expect(typeof body.text).toBe('string');
    expect(body.text).toContain('[critical] auth: login failed');
    expect(body.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(body.blocks[0].text!.text.length).toBeLessThanOrEqual(150);
    for (const b of body.blocks) {
      expect(['header', 'section', 'divider', 'context']).toContain(b.type);
      if (b.type === 'section') {
        expect(b.text!.type).toBe('mrkdwn');
        expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      }
    }
    const mrkdwn = [body.text, ...body.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text)].join('\n');
    // No control sequence of Slack's survives from the log: only our own report link uses < >.
    expect(mrkdwn).not.toMatch(/<!channel>|<@U024BE7LH>|<https:\/\/evil/);
    expect(mrkdwn).toContain('&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt;');
    expect(mrkdwn).not.toMatch(/@here/);
    expect(mrkdwn).toContain('<https://reports.example/run-7/report.html?X-Amz-Signature=abc&amp;x=1|Open the full report>');
    // the trigger's template sits in one code span: the backtick from the log did not close it
    const template = mrkdwn.split('\n').find((l) => l.startsWith('Template: '))!;
    expect(template.match(/`/g)).toHaveLength(2);
  });

  it('stays within Slack limits counted after escaping, never splitting an entity', async () => {
    const long = { ...incident, title: '&'.repeat(400), trigger: { ...incident.trigger, template: '<'.repeat(5000), sample: '@here '.repeat(900) } };
    await sendWebhooks(input([slack({ incidents: [long] })]), createStandaloneContext());
    const body = JSON.parse(srv.requests[0].body.toString('utf8')) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    for (const b of body.blocks) if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    expect(body.blocks[0].text!.text.length).toBeLessThanOrEqual(150);
    // mrkdwn only: the header is plain_text, which Slack shows as written
    const all = [body.text, ...body.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text)].join('\n');
    expect(all).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(all).not.toMatch(/@here/);
  });

  it('Slack text is cut only when it is longer than its limit (counted after escaping), then with room for the ellipsis', () => {
    expect(untrusted('abcdef', 6)).toBe('abcdef');
    expect(untrusted('abcdefg', 6)).toBe('abcde…');
    expect(untrusted('a&b', 5)).toBe('a…');
    expect(untrusted('a&b', 7)).toBe('a&amp;b');
    expect(untrusted('@here', 6)).toBe('@\u200bhere');
    expect(untrusted('x @everyone  @channel\n', 40)).toBe('x @\u200beveryone @\u200bchannel ');
  });

  it('says where the report is when it could not be uploaded', async () => {
    await sendWebhooks(input([slack()], { reportUri: undefined }), createStandaloneContext());
    expect(srv.requests[0].body.toString()).toContain('could not be uploaded');
  });
});
