import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { sendNotificationEmails } from '../../src/services/send-emails.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { createSmtpMailer, smtpTransportOptions } from '../../src/services/email/transport.js';
import type { AnalyzeOutput, EmailInput } from '../../src/contracts.js';
import type { SmtpSettings } from '../../src/config/settings-types.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';

const HOSTILE = '<script>alert(1)</script> \u001b[31mRED\u001b[0m';

function analysis(recipients: string[], over: Partial<AnalyzeOutput> = {}): AnalyzeOutput {
  return {
    reportJson: '/runs/r/report.json',
    reportMd: '/runs/r/report.md',
    reportHtml: '/runs/r/report.html',
    shouldNotify: true,
    notifyReason: 'Notify: 1 finding(s) at or above high.',
    recipients,
    reported: 2,
    total: 5,
    bySeverity: { info: 0, low: 0, medium: 1, high: 0, critical: 1 },
    source: 'file:logs/*.log',
    top: [
      { kind: 'new_template', severity: 'critical', score: 9.5, template: `login failed for ${HOSTILE}`, count: 12, expected: null, sample: `user=${HOSTILE}`, explanation: 'never seen before' },
      { kind: 'frequency_spike', severity: 'medium', score: 4.2, template: 'GET /api <*>', count: 900, expected: 100, explanation: 'nine times the usual rate' },
    ],
    incidents: [
      {
        id: 'inc-1', title: `auth: login failed for ${HOSTILE}`, severity: 'critical', onset: Date.parse('2026-12-04T09:15:00Z'), streams: ['auth'], findings: 1,
        trigger: { kind: 'new_template', severity: 'critical', score: 9.5, template: `login failed for ${HOSTILE}`, count: 12, expected: null, sample: `user=${HOSTILE}`, explanation: 'never seen before' },
      },
      {
        id: 'inc-2', title: 'api: GET /api', severity: 'medium', onset: Date.parse('2026-12-04T09:20:00Z'), streams: ['api'], findings: 1,
        trigger: { kind: 'frequency_spike', severity: 'medium', score: 4.2, template: 'GET /api <*>', count: 900, expected: 100, explanation: 'nine times the usual rate' },
      },
    ],
    ...over,
  };
}

function smtp(server: TestSmtpServer, over: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: server.host, port: server.port, secure: false, from: 'Alerts <alerts@pipeline.test>', pool: true, rateLimit: 50, rateDeltaMs: 1000, ...over };
}

let runDir: string;
let server: TestSmtpServer | undefined;
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'emails-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(runDir, { recursive: true, force: true });
});

function input(over: Partial<EmailInput> & { analysis: AnalyzeOutput }): EmailInput {
  return { secrets: process.env, runDir, runId: 'run-42', subjectPrefix: '[anomaly]', reportUri: 'https://files.test/run-42/report.html', ...over };
}

describe('sendNotificationEmails over SMTP', () => {
  it('sends one message per recipient with subject, text and escaped HTML bodies', async () => {
    server = await startSmtpServer();
    const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'b@x.test']), smtp: smtp(server) }), createStandaloneContext());
    expect(out).toMatchObject({ status: 'sent', recipients: 2 });
    expect(out.messageIds).toHaveLength(2);
    expect(server.messages.map((m) => m.rcptTo).sort()).toEqual([['a@x.test'], ['b@x.test']]);
    const m = server.messages[0].parsed;
    // What happened, in words, and how much more: the top incident names the subject.
    expect(m.subject).toBe('[anomaly] [critical] auth: login failed for <script>alert(1)</script> RED (+1 incident) run run-42');
    expect(m.from?.value[0]?.address).toBe('alerts@pipeline.test');
    expect(m.headers.get('x-log-anomaly-run')).toBe('run-42');
    expect(m.text).toContain('Full report: https://files.test/run-42/report.html');
    expect(m.text).toContain('1. [CRITICAL] auth: login failed for');
    expect(m.text).toContain('Probable trigger: new template, 12 lines');
    expect(m.text).toContain('2 incidents (2 findings) in file:logs/*.log, run run-42.');
    // Incidents first: the critical one before the medium one.
    expect(m.text!.indexOf('[CRITICAL]')).toBeLessThan(m.text!.indexOf('[MEDIUM]'));
    // Nothing internal: not the notify rule's reasoning, not a path on the pipeline machine.
    expect(m.text).not.toContain('Notify:');
    expect(m.text).not.toContain('/runs/r/');
    expect(m.text).not.toContain('\u001b');
    const html = String(m.html);
    expect(html).toContain('href="https://files.test/run-42/report.html"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('\u001b');
  });

  it('routing: each recipient\'s email has only its incidents', async () => {
    server = await startSmtpServer();
    const base = analysis(['a@x.test', 'b@x.test']);
    const routed = { ...base, routes: [{ to: 'a@x.test', incidents: base.incidents, total: 2 }, { to: 'b@x.test', incidents: [base.incidents[1]], total: 1 }] };
    const out = await sendNotificationEmails(input({ analysis: routed, smtp: smtp(server) }), createStandaloneContext());
    expect(out).toMatchObject({ status: 'sent', recipients: 2 });
    const byTo = Object.fromEntries(server.messages.map((m) => [m.rcptTo[0], m.parsed] as const));
    expect(byTo['b@x.test'].subject).toBe('[anomaly] [medium] api: GET /api run run-42');
    expect(byTo['b@x.test'].text).not.toContain('login failed');
    expect(byTo['a@x.test'].text).toContain('login failed');
  });

  it('authenticates with credentials from the env vars the settings name', async () => {
    server = await startSmtpServer({ auth: { user: 'bot', pass: 's3cret-pass' } });
    process.env.TEST_SMTP_USER = 'bot';
    process.env.TEST_SMTP_PASS = 's3cret-pass';
    try {
      const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server, { userEnv: 'TEST_SMTP_USER', passEnv: 'TEST_SMTP_PASS' }) }), createStandaloneContext());
      expect(out.status).toBe('sent');
      expect(server.messages[0].user).toBe('bot');
    } finally {
      delete process.env.TEST_SMTP_USER;
      delete process.env.TEST_SMTP_PASS;
    }
  });

  it('a missing credential env var is a non-retryable error naming the variable, not any value', async () => {
    server = await startSmtpServer({ auth: { user: 'bot', pass: 'x' } });
    process.env.TEST_SMTP_USER2 = 'user-value-123';
    try {
      const err = await sendNotificationEmails(
        input({ analysis: analysis(['a@x.test']), smtp: smtp(server, { userEnv: 'TEST_SMTP_USER2', passEnv: 'TEST_SMTP_PASS_MISSING' }) }),
        createStandaloneContext(),
      ).then(
        () => { throw new Error('expected a failure'); },
        (e: unknown) => e as Error & { retryable: boolean },
      );
      expect(err.message).toBe('smtp.passEnv: environment variable TEST_SMTP_PASS_MISSING is not set');
      expect(err.retryable).toBe(false);
      expect(server.rcptAttempts).toEqual([]);
    } finally {
      delete process.env.TEST_SMTP_USER2;
    }
  });

  it('wrong credentials fail permanently', async () => {
    server = await startSmtpServer({ auth: { user: 'bot', pass: 'right' } });
    process.env.TEST_SMTP_U = 'bot';
    process.env.TEST_SMTP_P = 'wrong';
    try {
      const err = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server, { userEnv: 'TEST_SMTP_U', passEnv: 'TEST_SMTP_P' }) }), createStandaloneContext()).then(
        () => { throw new Error('expected a failure'); },
        (e: unknown) => e as Error & { retryable: boolean },
      );
      expect(err).toMatchObject({ code: 'SMTP', retryable: false });
      expect(err.message).toMatch(/535/);
      expect(err.message).not.toContain('wrong');
    } finally {
      delete process.env.TEST_SMTP_U;
      delete process.env.TEST_SMTP_P;
    }
  });

  it('upgrades with STARTTLS when requireTls is set', async () => {
    server = await startSmtpServer({ starttls: true });
    const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server, { requireTls: true, tlsInsecure: true }) }), createStandaloneContext());
    expect(out.status).toBe('sent');
    expect(server.messages[0].secure).toBe(true);
  });

  it('requireTls against a server without STARTTLS fails without sending, not retryable', async () => {
    server = await startSmtpServer();
    const err = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server, { requireTls: true }) }), createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SMTP', retryable: false });
    expect(server.rcptAttempts).toEqual([]);
  });

  it('never sends twice: a second run on the same runDir sends nothing and says already_sent', async () => {
    server = await startSmtpServer();
    const first = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'b@x.test']), smtp: smtp(server) }), createStandaloneContext());
    const second = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'B@x.test ']), smtp: smtp(server) }), createStandaloneContext({ attempt: 2 }));
    expect(second).toEqual({ status: 'already_sent', recipients: 2, messageIds: first.messageIds });
    expect(server.messages).toHaveLength(2);
    expect(server.rcptAttempts).toHaveLength(2);
    const ledger = JSON.parse(await readFile(join(runDir, 'notifications.json'), 'utf8'));
    expect(Object.keys(ledger.sent).sort()).toEqual(['a@x.test', 'b@x.test']);
  });

  it('a permanent 550 for one recipient does not block the others and is not retried', async () => {
    server = await startSmtpServer({ rcptReply: (a) => (a === 'gone@x.test' ? { code: 550, message: '5.1.1 no such user' } : undefined) });
    const ctx = createStandaloneContext();
    const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'gone@x.test', 'c@x.test']), smtp: smtp(server) }), ctx);
    expect(out).toMatchObject({ status: 'sent', recipients: 2, rejected: ['gone@x.test'] });
    expect(server.messages.map((m) => m.rcptTo[0]).sort()).toEqual(['a@x.test', 'c@x.test']);
    expect(ctx.logs.some((l) => l.level === 'warn' && /550/.test(String(l.fields?.error)))).toBe(true);
    const again = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'gone@x.test', 'c@x.test']), smtp: smtp(server) }), createStandaloneContext());
    expect(again.status).toBe('already_sent');
    expect(server.rcptAttempts.filter((a) => a === 'gone@x.test')).toHaveLength(1);
  });

  it('all recipients refused: a non-retryable SMTP error', async () => {
    server = await startSmtpServer({ rcptReply: () => ({ code: 550, message: 'no' }) });
    const err = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server) }), createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SMTP', retryable: false });
  });

  it('a 4xx is retryable, and the retry sends only to recipients not yet served', async () => {
    let busy = true;
    server = await startSmtpServer({ rcptReply: (a) => (busy && a === 'b@x.test' ? { code: 451, message: '4.3.0 try again later' } : undefined) });
    const err = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'b@x.test']), smtp: smtp(server) }), createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SMTP', retryable: true });
    expect((err as Error).message).toMatch(/451/);
    busy = false;
    const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'b@x.test']), smtp: smtp(server) }), createStandaloneContext({ attempt: 2 }));
    expect(out).toMatchObject({ status: 'sent', recipients: 2 });
    expect(server.messages.map((m) => m.rcptTo[0])).toEqual(['a@x.test', 'b@x.test']);
  });

  it('a 421 from the server is retryable', async () => {
    server = await startSmtpServer({ mailFromReply: () => ({ code: 421, message: '4.7.0 shutting down' }) });
    const err = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server) }), createStandaloneContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SMTP', retryable: true });
    expect(server.messages).toHaveLength(0);
  });

  it('a dropped connection is retryable', async () => {
    const dropper: Server = createServer((sock) => sock.destroy());
    await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', () => r()));
    const port = (dropper.address() as { port: number }).port;
    try {
      const settings: SmtpSettings = { host: '127.0.0.1', port, secure: false, from: 'a@pipeline.test', pool: true, rateLimit: 5, rateDeltaMs: 1000 };
      const err = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: settings }), createStandaloneContext()).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'SMTP', retryable: true });
    } finally {
      await new Promise<void>((r) => dropper.close(() => r()));
    }
  });

  it('passes pool, maxConnections and rateLimit/rateDelta from the settings to the transport', async () => {
    server = await startSmtpServer();
    const settings = smtp(server, { rateLimit: 7, rateDeltaMs: 60_000, maxConnections: 2 });
    expect(smtpTransportOptions(settings, {})).toMatchObject({ pool: true, maxConnections: 2, rateLimit: 7, rateDelta: 60_000, maxRequeues: 0 });
    // More connections than the rate limit would let each new connection burst one message past it.
    expect(smtpTransportOptions(smtp(server, { rateLimit: 1, maxConnections: 5 }), {})).toMatchObject({ maxConnections: 1, rateLimit: 1 });
    const mailer = createSmtpMailer(settings, {});
    try {
      expect(mailer.transporter.name).toMatch(/pool/i);
      expect((mailer.transporter as unknown as { options: Record<string, unknown> }).options).toMatchObject({ maxConnections: 2, rateLimit: 7, rateDelta: 60_000 });
    } finally {
      mailer.close();
    }
  });

  it('the rate limit holds messages back (a lower bound on the spread of server receive times)', async () => {
    server = await startSmtpServer();
    // 1 message per 200 ms fixed window. The first message may land late in its window (connection
    // setup), so n messages are guaranteed to spread over at least (n - 2) whole windows; without
    // the limit they all arrive within a few ms. 10% slack for timer rounding.
    const recipients = ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test'];
    await sendNotificationEmails(input({ analysis: analysis(recipients), smtp: smtp(server, { rateLimit: 1, rateDeltaMs: 200 }) }), createStandaloneContext());
    const times = server.messages.map((m) => m.receivedAt).sort((a, b) => a - b);
    expect(times).toHaveLength(4);
    expect(times[3] - times[0]).toBeGreaterThanOrEqual((recipients.length - 2) * 200 * 0.9);
  });

  it('abort stops an in-flight send and records nothing', async () => {
    server = await startSmtpServer({ holdData: true });
    const ac = new AbortController();
    const sending = sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'b@x.test']), smtp: smtp(server, { maxConnections: 1 }) }), createStandaloneContext({ signal: ac.signal }));
    await server.dataStarted();
    ac.abort();
    await expect(sending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(server.messages).toHaveLength(0);
    await expect(readFile(join(runDir, 'notifications.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('sendNotificationEmails without SMTP', () => {
  it('writes parseable .eml previews and reports previewed', async () => {
    const ctx = createStandaloneContext();
    const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'Ops Team <ops@x.test>']) }), ctx);
    expect(out).toMatchObject({ status: 'previewed', recipients: 2 });
    const files = (await readdir(join(runDir, 'emails'))).sort();
    expect(files).toEqual(['1-a@x.test.eml', '2-Ops_Team__ops@x.test_.eml']);
    const parsed = await simpleParser(await readFile(join(runDir, 'emails', files[0])));
    expect(parsed.subject).toBe('[anomaly] [critical] auth: login failed for <script>alert(1)</script> RED (+1 incident) run run-42');
    expect((parsed.to as { value: { address: string }[] }).value[0].address).toBe('a@x.test');
    expect(String(parsed.html)).toContain('&lt;script&gt;');
    expect(String(parsed.html)).not.toContain('<script>');
    expect(parsed.text).toContain('https://files.test/run-42/report.html');
    expect(ctx.artifacts.map((a) => a.name)).toEqual(['emails/1-a@x.test.eml', 'emails/2-Ops_Team__ops@x.test_.eml']);
    const again = await sendNotificationEmails(input({ analysis: analysis(['a@x.test', 'Ops Team <ops@x.test>']) }), createStandaloneContext());
    expect(again).toMatchObject({ status: 'previewed', messageIds: out.messageIds });
  });

  it('links only http(s)/file/s3 report URIs in the HTML body', async () => {
    await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), reportUri: 'javascript:alert(1)' }), createStandaloneContext());
    const parsed = await simpleParser(await readFile(join(runDir, 'emails', '1-a@x.test.eml')));
    expect(String(parsed.html)).not.toContain('href=');
    expect(String(parsed.html)).toContain('<code>javascript:alert(1)</code>');
  });

  it('not_needed when the analysis says no', async () => {
    const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test'], { shouldNotify: false }) }), createStandaloneContext());
    expect(out).toEqual({ status: 'not_needed', recipients: 0, messageIds: [] });
    await expect(readdir(join(runDir, 'emails'))).rejects.toThrow(/ENOENT/);
  });
});

describe('the ledger around one delivery', () => {
  type Doc = { sent: Record<string, { state?: string; messageId: string }> };
  const ledgerOf = async (): Promise<Doc> =>
    JSON.parse(await readFile(join(runDir, 'notifications.json'), 'utf8').catch(() => '{"sent":{}}')) as Doc;

  it('is `sent` after the 250, with a deterministic Message-ID', async () => {
    server = await startSmtpServer();
    const out = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server, { pool: false }) }), createStandaloneContext());
    expect((await ledgerOf()).sent['a@x.test']).toMatchObject({ state: 'sent', messageId: out.messageIds[0] });
    expect(out.messageIds[0]).toMatch(/^<run-42\.[0-9a-f]{24}@log-anomaly>$/);
  });

  it('a refusal before DATA leaves no entry; a delivery cut after DATA is unknown, not resent, then resent with its Message-ID on request', async () => {
    server = await startSmtpServer({ mailFromReply: () => ({ code: 451, message: 'try later' }) });
    const refused = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(server, { pool: false }) }), createStandaloneContext()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ retryable: true });
    expect((await ledgerOf()).sent).toEqual({});
    await server.close();

    server = await startSmtpServer({ holdAt: 'data' });
    const held = server;
    const ac = new AbortController();
    void held.reached().then(() => ac.abort());
    await expect(sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(held, { pool: false }) }), createStandaloneContext({ signal: ac.signal }))).rejects.toMatchObject({ code: 'ABORTED' });
    // on disk as soon as the server had the message (and before any 250)
    const id = (await ledgerOf()).sent['a@x.test'];
    expect(id.state).toBe('sending');

    const ctx = createStandaloneContext();
    const again = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(held, { pool: false }) }), ctx);
    expect(again).toMatchObject({ status: 'already_sent', recipients: 0, unknown: ['a@x.test'] });
    expect(held.messages).toHaveLength(0);
    expect(ctx.logs.some((l) => l.level === 'warn' && /delivery unknown/.test(l.msg))).toBe(true);

    const resent = await sendNotificationEmails(input({ analysis: analysis(['a@x.test']), smtp: smtp(held, { pool: false }), resendUnknown: true }), createStandaloneContext());
    expect(resent).toMatchObject({ status: 'sent', recipients: 1 });
    expect(resent.unknown).toBeUndefined();
    expect(held.messages).toHaveLength(1);
    expect(held.messages[0].parsed.messageId).toBe(id.messageId);
  });
});
