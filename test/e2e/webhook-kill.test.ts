/**
 * Webhooks through the real CLI and a loopback receiver: one POST per webhook across a SIGKILL
 * and `run --resume`; a kill after the POST went out and before it was marked sent leaves it
 * `unknown` (not posted again unless --resend-unknown, then with the same delivery id); N step
 * attempts make at most N POSTs; the Slack URL (its path is the token) is never printed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { runAndKillAt } from '../helpers/kill-at.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { startHttpServer, type RecordedRequest, type Responder, type TestHttpServer } from '../helpers/http-server.js';
import { verifyWebhookSignature } from '../../src/services/webhook/sign.js';

const SECRET = 'whsec_e2e_secret';
const SLACK_PATH = '/services/T0/B0/e2eSECRETtoken';
let srv: TestHttpServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

function setup(server: TestHttpServer, steps = '') {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-e2e-'));
  const config = join(dir, 'detection-config.yaml');
  const demo = readFileSync(join(repoRoot, 'examples', 'detection-config.yaml'), 'utf8');
  writeFileSync(
    config,
    demo.replace(
      /\n {2}minSeverity: high/,
      `
  webhooks:
    - { name: pager, format: json, urlEnv: E2E_PAGER_URL, secretEnv: E2E_PAGER_SECRET }
    - { name: chat, format: slack, urlEnv: E2E_SLACK_URL, minSeverity: high, timeoutMs: 60000 }
  minSeverity: high`,
    ),
  );
  const settings = join(dir, 'settings.yaml');
  writeFileSync(
    settings,
    demoSourceYaml().replace(/detectionConfig: .*\n/, `detectionConfig: { location: ${JSON.stringify(config)} }\n`) +
      `detector: { type: builtin, baseline: [${JSON.stringify(join(repoRoot, 'examples', 'baseline', '*.log.gz'))}] }
upload: { type: local, dir: ${JSON.stringify(join(dir, 'uploads'))} }
output: { dir: ${JSON.stringify(join(dir, 'runs'))} }
${steps}`,
  );
  const env = { E2E_PAGER_URL: `${server.url}/hooks/pager`, E2E_PAGER_SECRET: SECRET, E2E_SLACK_URL: `${server.url}${SLACK_PATH}` };
  const runDir = (id: string) => join(dir, 'runs', id);
  const runJson = (id: string) => JSON.parse(readFileSync(join(runDir(id), 'run.json'), 'utf8'));
  const base = ['--config', settings, '--headless', '--skip-install'];
  return { env, runJson, runDir, base };
}

const posts = (s: TestHttpServer, path: string) => s.requests.filter((r) => r.url === path);
const delivery = (r: RecordedRequest) => r.headers['x-loganomaly-delivery'];

/** Resolves once `n` requests arrived; each is answered by `answer`. */
function arrivals(s: TestHttpServer, n: number, answer: Responder) {
  let seen = 0;
  let reached!: () => void;
  const all = new Promise<void>((r) => (reached = r));
  s.setFallback(async (req) => {
    if (++seen === n) reached();
    return answer(req);
  });
  return all;
}

describe('webhooks through the CLI', () => {
  it('killed after a delivery was recorded, then run --resume: one POST per webhook, signature verifies, nothing secret printed', { timeout: 180_000 }, async () => {
    srv = await startHttpServer({ status: 200, body: 'ok' });
    const s = setup(srv);
    const id = 'wh-resume';
    const killed = await runAndKillAt(['run', ...s.base, '--run-id', id], (e) => e.type === 'log' && e.msg === 'webhook delivered', s.env);
    expect(killed.killed, killed.stderr).toBe(true);
    const resumed = await runCli(['run', ...s.base, '--resume', id, '--json'], { env: s.env });
    expect(resumed.code, resumed.stdout.slice(-3000) + resumed.stderr).toBe(0);
    const pager = posts(srv, '/hooks/pager');
    const chat = posts(srv, SLACK_PATH);
    expect(pager.length).toBe(1);
    expect(chat.length).toBe(1);
    const p = pager[0];
    expect(verifyWebhookSignature({ secret: SECRET, body: p.body, timestamp: p.headers['x-loganomaly-timestamp'] as string, signature: p.headers['x-loganomaly-signature'] as string })).toBe(true);
    const body = JSON.parse(p.body.toString());
    expect(body).toMatchObject({ type: 'log_anomaly.incidents', version: 1, run: { id } });
    expect(body.incidents.length).toBeGreaterThan(0);
    expect(body.run.reportUri).toMatch(/^file:.*report\.html$/);
    const slack = JSON.parse(chat[0].body.toString());
    expect(typeof slack.text).toBe('string');
    expect(slack.blocks[0].type).toBe('header');

    const hooks = s.runJson(id).summary.notification.webhooks as { name: string; status: string; url: string }[];
    expect(hooks.map((h) => h.name).sort()).toEqual(['chat', 'pager']);
    // The one whose delivery the kill followed is not posted again; the other was posted by one of the
    // two executions (or was in flight at the kill: unknown, and still posted once).
    const first = killed.events.at(-1).fields.webhook as string;
    // (`sent` when the killed execution had also saved the step's output: the resume then skips the step)
    expect(['sent', 'already_sent']).toContain(hooks.find((h) => h.name === first)!.status);
    expect(['sent', 'already_sent', 'unknown']).toContain(hooks.find((h) => h.name !== first)!.status);
    expect(hooks.find((h) => h.name === 'chat')!.url).toBe(`${srv.url}/…`);
    const printed = [killed.stderr, JSON.stringify(killed.events), resumed.stdout, resumed.stderr, readFileSync(join(s.runDir(id), 'run.json'), 'utf8'), readFileSync(join(s.runDir(id), 'webhooks.json'), 'utf8')].join('\n');
    expect(printed).not.toContain('e2eSECRETtoken');
    expect(printed).not.toContain(SECRET);
  });

  it('killed after the POST went out, before it was marked sent: unknown, not posted again on resume; --resend-unknown posts it with the same delivery id', { timeout: 180_000 }, async () => {
    srv = await startHttpServer();
    const s = setup(srv);
    const id = 'wh-unknown';
    // Both webhooks receive their POST and get no answer; the run is killed then.
    const both = arrivals(srv, 2, () => ({ hang: true }));
    const killed = await runCli(['run', ...s.base, '--run-id', id, '--json'], { env: s.env, onSpawn: (kill) => void both.then(() => kill('SIGKILL')) });
    expect(killed.code, killed.stderr).toBeNull();
    const ids = new Map(srv.requests.map((r) => [r.url, delivery(r)]));
    expect(ids.size).toBe(2);

    srv.setFallback({ status: 200, body: 'ok' });
    const resumed = await runCli(['run', ...s.base, '--resume', id, '--json'], { env: s.env });
    expect(resumed.code, resumed.stdout.slice(-3000) + resumed.stderr).toBe(0);
    expect(srv.requests.length).toBe(2);
    const hooks = s.runJson(id).summary.notification.webhooks as { name: string; status: string; deliveryId: string }[];
    expect(hooks.map((h) => h.status)).toEqual(['unknown', 'unknown']);
    expect(resumed.stdout).toMatch(/webhook delivery unknown: not posted again/);

    const resent = await runCli(['run', ...s.base, '--run-id', id, '--resend-unknown', '--json'], { env: s.env });
    expect(resent.code, resent.stdout.slice(-3000) + resent.stderr).toBe(0);
    expect(srv.requests.length).toBe(4);
    for (const r of srv.requests.slice(2)) expect(delivery(r)).toBe(ids.get(r.url));
    const after = s.runJson(id).summary.notification.webhooks as { status: string }[];
    expect(after.map((h) => h.status)).toEqual(['sent', 'sent']);
  });

  it('a receiver answering 503: N step attempts make N POSTs, then the run fails at the notification step', { timeout: 180_000 }, async () => {
    srv = await startHttpServer({ status: 503, body: 'busy' });
    const s = setup(srv, 'steps:\n  send_notification_emails: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 }\n');
    const run = await runCli(['run', ...s.base, '--run-id', 'wh-503', '--json'], { env: s.env });
    expect(run.code).toBe(1);
    expect(posts(srv, '/hooks/pager').length).toBe(2);
    expect(posts(srv, SLACK_PATH).length).toBe(2);
    const rec = s.runJson('wh-503');
    expect(rec.failedStep).toMatch(/send_notification_emails/);
    expect(rec.error.message).toMatch(/webhook\(s\) failed temporarily/);
    expect(JSON.stringify(rec)).not.toContain('e2eSECRETtoken');
  });

  it('an unset variable fails the run at download_config_yaml, naming the file:line and the variable', { timeout: 60_000 }, async () => {
    srv = await startHttpServer({ status: 200 });
    const s = setup(srv);
    const run = await runCli(['run', ...s.base, '--run-id', 'wh-env', '--json'], { env: { ...s.env, E2E_PAGER_SECRET: '' } });
    expect(run.code).toBe(2);
    expect(s.runJson('wh-env').error.message).toMatch(/detection-config\.yaml:\d+:\d+ notify\.webhooks\[0\]\.secretEnv: environment variable E2E_PAGER_SECRET is not set/);
    expect(srv.requests.length).toBe(0);
  });
});
