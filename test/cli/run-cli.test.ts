/**
 * The built CLI end to end on the bundled demo: exit codes 0/1/2, the artifacts it promises exist
 * and parse, NDJSON is gap-free, a re-run never sends an email twice.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { mkdtemp, readFile, readdir, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = repoRoot;
const demo = join(root, 'examples', 'demo.yaml');

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'lap-cli-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('log-anomaly run (built CLI)', () => {
  it('runs the demo to completion and leaves every promised artifact', async () => {
    const r = await runCli(['run', '--config', demo, '--headless', '--out-dir', out, '--run-id', 'demo-1']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const dir = join(out, 'demo-1');
    for (const f of ['events.ndjson', 'detection-config.yaml', 'anomalies.json', 'templates.csv', 'report.json', 'report.md', 'report.html', 'run.json']) {
      expect((await stat(join(dir, f))).size, f).toBeGreaterThan(0);
    }
    const anomalies = JSON.parse(await readFile(join(dir, 'anomalies.json'), 'utf8'));
    expect(anomalies.schema).toBe('log-anomaly-pipeline/anomalies');
    expect(anomalies.anomalies.length).toBeGreaterThan(0);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report).toBeTypeOf('object');
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(run.status).toBe('completed');
    // No SMTP configured in the demo: the notification is previewed as .eml files.
    const emails = (await readdir(join(dir, 'emails'))).sort();
    expect(emails).toEqual(['1-oncall@example.com.eml', '2-payments-team@example.com.eml']);
    // The email says what happened: the pool exhausted incident first, by name, in the subject and body.
    const oncall = await readFile(join(dir, 'emails', emails[0]), 'utf8');
    expect(oncall).toMatch(/^Subject: \[log-anomaly\] \[critical\] payments: db connection pool exhausted\r?\n \(\+2 incidents\) run demo-1/m);
    expect(oncall).toContain('1. [CRITICAL] payments: db connection pool exhausted');
    // Routing: the payments team's rule (payments, api-gateway) leaves out the worker incident.
    const payments = await readFile(join(dir, 'emails', emails[1]), 'utf8');
    expect(payments).toMatch(/\(\+1 incident\) run demo-1/);
    expect(payments).not.toContain('worker: ');
    expect(oncall).toContain('worker: ');
    // And the plain lines end with the incidents, the trigger first.
    expect(r.stdout).toMatch(/^ {2}incident 1 \[critical\] payments: db connection pool exhausted \(\d+ findings; trigger new_template: /m);
    // Every step of the original DAG appears in the plain lines with its original name.
    for (const name of ['install_packages', 'execute_cloudwatchLog_injetion', 'download_config_yaml', 'execute_logAnomaly', 'analyze_report', 'send_notification_emails', 'upload_report']) {
      expect(r.stdout).toContain(name);
    }
    expect(r.stdout).toMatch(/run demo-1 completed/);
  });

  it('sends through real SMTP, and re-running the same run id sends no second notification', async () => {
    const smtp = await startSmtpServer();
    try {
      const settings = join(out, 'smtp.yaml');
      const text = (await readFile(demo, 'utf8'))
        .replace('logs/*.log', join(root, 'examples', 'logs', '*.log'))
        .replace('location: detection-config.yaml', `location: ${join(root, 'examples', 'detection-config.yaml')}`)
        .replace('baseline/*.log.gz', join(root, 'examples', 'baseline', '*.log.gz'));
      await writeFile(settings, `${text}\nsmtp:\n  host: 127.0.0.1\n  port: ${smtp.port}\n  from: lap@example.com\n`);
      const first = await runCli(['run', '--config', settings, '--headless', '--skip-install', '--out-dir', out, '--run-id', 'mail-1']);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/notification=sent/);
      const recipients = smtp.messages.flatMap((m) => m.rcptTo).sort();
      expect(recipients).toEqual(['oncall@example.com', 'payments-team@example.com']);
      // Log text reaches the HTML body escaped, never as markup.
      for (const m of smtp.messages) expect(String(m.parsed.html ?? '')).not.toMatch(/<script/i);

      const again = await runCli(['run', '--config', settings, '--headless', '--skip-install', '--out-dir', out, '--run-id', 'mail-1']);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/notification=already_sent/);
      expect(smtp.messages).toHaveLength(2);
    } finally {
      await smtp.close();
    }
  }, 120_000);

  it('--json prints gap-free NDJSON ending with the final run event; --dry-run skips the email step', async () => {
    const r = await runCli(['run', '--config', demo, '--json', '--dry-run', '--skip-install', '--out-dir', out, '--run-id', 'dry-1']);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    events.forEach((e, i) => expect(e.seq).toBe(i + 1));
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'run', status: 'completed', exitCode: 0 });
    expect(last.summary.notification.status).toBe('skipped');
    const skipped = events.filter((e) => e.type === 'step' && e.status === 'skipped').map((e) => [e.name, e.reason]);
    expect(skipped).toContainEqual(['install_packages', 'skip_install']);
    expect(skipped).toContainEqual(['send_notification_emails', 'dry_run']);
    expect(events.some((e) => e.type === 'step' && e.name === 'send_notification_emails' && e.status === 'running')).toBe(false);
    await expect(stat(join(out, 'dry-1', 'emails'))).rejects.toThrow();
  });

  it('exits 2 with a one-line message on bad input', async () => {
    const flag = await runCli(['run', '--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown option/);

    const id = await runCli(['run', '--config', demo, '--run-id', '../etc', '--headless']);
    expect(id.code).toBe(2);
    expect(id.stderr).toMatch(/run id/i);

    const since = await runCli(['run', '--config', demo, '--since', '1h', '--headless']);
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since\/--from\/--to apply to a cloudwatch source only/);

    const bad = join(out, 'bad.yaml');
    await writeFile(bad, 'source:\n  type: file\n  paths: [x.log]\ndetectionConfig: { location: d.yaml }\nformat:\n  type: raw\noutput:\n  dir: 42x\nsteps:\n  upload_report:\n    attempts: lots\n');
    const cfg = await runCli(['run', '--config', bad, '--headless', '--out-dir', out]);
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/bad\.yaml:\d+:\d+ .*attempts/);
    expect(cfg.stderr.trim().split('\n')).toHaveLength(1);
  }, 90_000); // four CLI processes one after another: past the 30 s default once on a loaded machine

  it('exits 2 when the run fails on an invalid detection config, as the README says', async () => {
    const dir = await mkdtemp(join(out, 'badcfg-'));
    const cfg = join(dir, 'detection.yaml');
    await writeFile(cfg, (await readFile(join(root, 'examples', 'detection-config.yaml'), 'utf8')) + '\nthis is: [not, closed\n');
    const settings = (await readFile(demo, 'utf8'))
      .replace(/location: detection-config\.yaml/, `location: ${JSON.stringify(cfg)}`)
      .replace(/logs\/\*\.log/, JSON.stringify(join(root, 'examples', 'logs', '*.log')))
      .replace(/baseline\/\*\.log\.gz/, JSON.stringify(join(root, 'examples', 'baseline', '*.log.gz')));
    await writeFile(join(dir, 'settings.yaml'), settings);
    const r = await runCli(['run', '--config', join(dir, 'settings.yaml'), '--headless', '--skip-install', '--out-dir', out, '--run-id', 'badcfg-1']);
    expect(r.stdout).toMatch(/run badcfg-1 failed at .*download_config_yaml/);
    expect(r.stdout).toMatch(/detection\.yaml:\d+/);
    expect(r.code).toBe(2);
  });

  it('exits 1 and names the failing step when the logs cannot be read', async () => {
    const settings = join(root, 'test', 'fixtures', 'missing-logs.yaml');
    const r = await runCli(['run', '--config', settings, '--headless', '--skip-install', '--out-dir', out, '--run-id', 'fail-1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/run fail-1 failed at prepare_prerequisite\/execute_cloudwatchLog_injetion/);
    await expect(stat(join(out, 'fail-1', 'report.json'))).rejects.toThrow();
  });

  it('SIGINT cancels a long run: in-flight work is aborted, the run ends cancelled, exit 1', async () => {
    const r = await runCli(['run', '--config', join(root, 'examples', 'slow.yaml'), '--json', '--out-dir', out, '--run-id', 'cancel-1'], {
      onSpawn: (kill, stdout) => {
        const t = setInterval(() => {
          if (stdout().includes('"name":"install_packages","kind":"task","status":"running"')) {
            clearInterval(t);
            kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(r.code).toBe(1);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ type: 'run', status: 'cancelled', exitCode: 1, error: { code: 'ABORTED', message: 'SIGINT received' } });
    expect(events.some((e) => e.type === 'step' && e.name === 'install_packages' && e.status === 'cancelled')).toBe(true);
    const run = JSON.parse(await readFile(join(out, 'cancel-1', 'run.json'), 'utf8'));
    expect(run.status).toBe('cancelled');
  });
});
