/** notify.webhooks in the detection config, and the environment variables that hold URL and secret. */
import { describe, expect, it } from 'vitest';
import { parseDetectionConfig } from '../../src/config/detection-config.js';
import { checkWebhookEnv, resolveWebhookEndpoint } from '../../src/config/webhook-env.js';

const YAML = `version: a
notify:
  recipients: [oncall@example.com]
  webhooks:
    - name: pager
      format: json
      urlEnv: PAGER_URL
      secretEnv: PAGER_SECRET
    - { name: payments-slack, format: slack, urlEnv: SLACK_PAYMENTS_URL, streams: [payments*], minSeverity: high, timeoutMs: 5000 }
`;

const err = (text: string) => {
  try {
    parseDetectionConfig(text, 'config.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

const hooks = (items: string) => `version: a\nnotify:\n  webhooks:\n${items}`;

describe('notify.webhooks', () => {
  it('parses json and slack webhooks with the recipients rule fields, a default timeout and where the variables are named', () => {
    const c = parseDetectionConfig(YAML, 'config.yaml');
    expect(c.notify.webhooks).toEqual([
      { name: 'pager', format: 'json', urlEnv: 'PAGER_URL', secretEnv: 'PAGER_SECRET', timeoutMs: 10_000, at: { urlEnv: { file: 'config.yaml', line: 7, column: 15, field: 'notify.webhooks[0].urlEnv' }, secretEnv: { file: 'config.yaml', line: 8, column: 18, field: 'notify.webhooks[0].secretEnv' } } },
      { name: 'payments-slack', format: 'slack', urlEnv: 'SLACK_PAYMENTS_URL', timeoutMs: 5000, streams: ['payments*'], minSeverity: 'high', at: { urlEnv: expect.objectContaining({ line: 9 }) } },
    ]);
  });

  it('refuses a URL or secret written in the config, with the hint to use an env var', () => {
    expect(err(hooks('    - { name: a, format: slack, url: "https://hooks.slack.com/services/T/B/x" }\n'))).toMatch(/^config.yaml:4:33 notify.webhooks\[0\].url: a webhook URL is a secret .*urlEnv/);
    expect(err(hooks('    - { name: a, format: json, urlEnv: U, secret: s3cr3t }\n'))).toMatch(/notify.webhooks\[0\].secret: put the signing secret in an environment variable/);
  });

  it('needs secretEnv for json and refuses it for slack; checks names, formats and duplicates with positions', () => {
    expect(err(hooks('    - { name: a, format: json, urlEnv: U }\n'))).toMatch(/^config.yaml:4:7 notify.webhooks\[0\].secretEnv: a json webhook is signed/);
    expect(err(hooks('    - { name: a, format: slack, urlEnv: U, secretEnv: S }\n'))).toMatch(/^config.yaml:4:55 notify.webhooks\[0\].secretEnv: Slack incoming webhooks are not signed/);
    expect(err(hooks('    - { name: a, format: teams, urlEnv: U }\n'))).toMatch(/notify.webhooks\[0\].format: expected one of json, slack, got "teams"/);
    expect(err(hooks('    - { name: a, format: slack, urlEnv: "https://x" }\n'))).toMatch(/urlEnv: expected an environment variable name/);
    expect(err(hooks('    - { name: a, format: slack, urlEnv: U, stream: [x] }\n'))).toMatch(/unknown key \(did you mean "streams"\?\)/);
    expect(err(hooks('    - { name: a, format: slack, urlEnv: U }\n    - { name: A, format: slack, urlEnv: V }\n'))).toMatch(/^config.yaml:5:15 notify.webhooks\[1\].name: duplicate webhook name "A"/);
  });
});

describe('webhook environment variables', () => {
  const config = parseDetectionConfig(YAML, 'config.yaml');
  const env = { PAGER_URL: 'https://hooks.example/pager', PAGER_SECRET: 's', SLACK_PAYMENTS_URL: 'https://hooks.slack.com/services/T/B/tok' };

  it('resolves URL and secret from the named variables', () => {
    expect(() => checkWebhookEnv(config, env)).not.toThrow();
    expect(resolveWebhookEndpoint(config.notify.webhooks![0], env)).toEqual({ url: 'https://hooks.example/pager', secret: 's' });
    expect(resolveWebhookEndpoint(config.notify.webhooks![1], env)).toEqual({ url: 'https://hooks.slack.com/services/T/B/tok' });
  });

  it('an unset variable is a config error at the line that names it', () => {
    expect(() => checkWebhookEnv(config, { ...env, PAGER_SECRET: '' })).toThrow(/^config.yaml:8:18 notify.webhooks\[0\].secretEnv: environment variable PAGER_SECRET is not set/);
    expect(() => checkWebhookEnv(config, { ...env, SLACK_PAYMENTS_URL: undefined })).toThrow(/^config.yaml:9:\d+ notify.webhooks\[1\].urlEnv: environment variable SLACK_PAYMENTS_URL is not set/);
    try {
      checkWebhookEnv(config, { ...env, SLACK_PAYMENTS_URL: undefined });
    } catch (e) {
      expect(e).toMatchObject({ name: 'ConfigError', code: 'CONFIG_INVALID', retryable: false });
    }
  });

  it('refuses URLs with user info, non-http schemes and non-URLs without printing the value', () => {
    for (const bad of ['https://user:hunter2@hooks.example/x', 'ftp://hooks.example/hunter2', 'hunter2']) {
      let message = '';
      try {
        checkWebhookEnv(config, { ...env, PAGER_URL: bad });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^config.yaml:7:15 notify.webhooks\[0\].urlEnv: .*PAGER_URL/);
      expect(message).not.toContain('hunter2');
    }
  });
});
