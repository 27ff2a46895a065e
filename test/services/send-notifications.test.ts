/** The notification step's one outcome from emails and webhooks (each channel stubbed with its real output shape). */
import { describe, expect, it } from 'vitest';
import { sendNotifications, type NotifyChannels } from '../../src/services/send-notifications.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { ConfigError, ErrorCode, PipelineError } from '../../src/errors.js';
import type { AnalyzeOutput, EmailInput, EmailOutput, WebhookDelivery, WebhookRoute } from '../../src/contracts.js';

const route = (name: string): WebhookRoute => ({ name, format: 'json', urlEnv: 'U', secretEnv: 'S', timeoutMs: 1000, incidents: [], total: 0 });
const analysis = (hooks: WebhookRoute[], over: Partial<AnalyzeOutput> = {}): AnalyzeOutput => ({
  reportJson: '', reportMd: '', reportHtml: '', shouldNotify: true, notifyReason: 'x', recipients: ['ops@example.com'], reported: 1, total: 1,
  bySeverity: {}, top: [], incidents: [], webhooks: hooks, ...over,
});
const input = (a: AnalyzeOutput): EmailInput => ({ runDir: '/tmp/none', runId: 'r', analysis: a, subjectPrefix: '' });
const sent: EmailOutput = { status: 'sent', recipients: 1, messageIds: ['<1@x>'] };
const delivery = (name: string, status: WebhookDelivery['status'], retryable?: boolean): WebhookDelivery => ({ name, format: 'json', url: 'https://h/…', status, ...(retryable !== undefined ? { retryable, error: `webhook ${name}: HTTP ${retryable ? 503 : 403}` } : {}) });

function channels(email: () => Promise<EmailOutput>, deliveries: WebhookDelivery[], calls: { webhooks: number; targets?: unknown } = { webhooks: 0 }): NotifyChannels {
  return {
    emails: email,
    webhooks: async (i) => {
      calls.webhooks++;
      calls.targets = i.targets;
      return { deliveries };
    },
    endpoint: (r) => ({ url: `https://h/${r.name}`, secret: 's' }),
  };
}

describe('sendNotifications', () => {
  it('sends both channels and adds each webhook delivery to the email output', async () => {
    const calls = { webhooks: 0, targets: undefined as unknown };
    const out = await sendNotifications(input(analysis([route('a')])), createStandaloneContext(), channels(async () => sent, [delivery('a', 'sent')], calls));
    expect(out).toMatchObject({ status: 'sent', recipients: 1, webhooks: [{ name: 'a', status: 'sent' }] });
    expect(calls.targets).toMatchObject([{ name: 'a', url: 'https://h/a', secret: 's' }]);
  });

  it('webhooks alone: the notification status is theirs', async () => {
    const notNeeded: EmailOutput = { status: 'not_needed', recipients: 0, messageIds: [] };
    const out = await sendNotifications(input(analysis([route('a')], { recipients: [] })), createStandaloneContext(), channels(async () => notNeeded, [delivery('a', 'already_sent')]));
    expect(out.status).toBe('already_sent');
  });

  it('a webhook that failed temporarily fails the step as retryable, after the emails went', async () => {
    let emailed = 0;
    const err = await sendNotifications(input(analysis([route('a'), route('b')])), createStandaloneContext(), channels(async () => (emailed++, sent), [delivery('a', 'sent'), delivery('b', 'failed', true)])).catch((e: unknown) => e);
    expect(emailed).toBe(1);
    expect(err).toMatchObject({ code: 'WEBHOOK', retryable: true });
    expect((err as Error).message).toMatch(/1 webhook\(s\) failed temporarily \(webhook b: HTTP 503\); 1 delivered are recorded/);
  });

  it('one webhook refused for good is recorded and the step completes; all refused fails it, not retryable', async () => {
    const some = await sendNotifications(input(analysis([route('a'), route('b')])), createStandaloneContext(), channels(async () => sent, [delivery('a', 'sent'), delivery('b', 'failed', false)]));
    expect(some.webhooks!.map((d) => d.status)).toEqual(['sent', 'failed']);
    const err = await sendNotifications(input(analysis([route('a')])), createStandaloneContext(), channels(async () => sent, [delivery('a', 'failed', false)])).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WEBHOOK', retryable: false });
    expect((err as Error).message).toMatch(/^no webhook accepted the notification: webhook a: HTTP 403/);
  });

  it('an unknown delivery completes the step (reported, not retried)', async () => {
    const out = await sendNotifications(input(analysis([route('a')])), createStandaloneContext(), channels(async () => sent, [delivery('a', 'unknown')]));
    expect(out.webhooks![0].status).toBe('unknown');
  });

  it("a failed email does not stop the webhooks; the email's error decides unless a webhook can be retried", async () => {
    const calls = { webhooks: 0 };
    const refused = async (): Promise<EmailOutput> => {
      throw new PipelineError(ErrorCode.SMTP, 'no recipient accepted the notification', { retryable: false });
    };
    const err = await sendNotifications(input(analysis([route('a')])), createStandaloneContext(), channels(refused, [delivery('a', 'sent')], calls)).catch((e: unknown) => e);
    expect(calls.webhooks).toBe(1);
    expect(err).toMatchObject({ code: 'SMTP', retryable: false });
    const again = await sendNotifications(input(analysis([route('a')])), createStandaloneContext(), channels(refused, [delivery('a', 'failed', true)])).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'WEBHOOK', retryable: true });
  });

  it('a webhook whose variable is gone (a resume elsewhere) is failed without a post, the others still go', async () => {
    const calls = { webhooks: 0, targets: undefined as unknown };
    const ch: NotifyChannels = {
      ...channels(async () => sent, [delivery('b', 'sent')], calls),
      endpoint: (r) => {
        if (r.name === 'a') throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: 'c.yaml', line: 3 }, 'environment variable U is not set');
        return { url: 'https://h/b' };
      },
    };
    const out = await sendNotifications(input(analysis([route('a'), route('b')])), createStandaloneContext(), ch);
    expect(calls.targets).toMatchObject([{ name: 'b' }]);
    expect(out.webhooks).toMatchObject([{ name: 'b', status: 'sent' }, { name: 'a', status: 'failed', retryable: false, error: 'c.yaml:3: environment variable U is not set' }]);
  });

  it('no webhook work when nobody is to be told', async () => {
    const calls = { webhooks: 0 };
    await sendNotifications(input(analysis([route('a')], { shouldNotify: false })), createStandaloneContext(), channels(async () => sent, [], calls));
    expect(calls.webhooks).toBe(0);
  });
});
