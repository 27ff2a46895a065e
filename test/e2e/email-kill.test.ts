/**
 * At most one email per recipient per run, under SIGKILL of the real CLI at each point of an SMTP
 * delivery (before connect, after MAIL FROM, after DATA, after the 250), then a rerun of the same
 * run id into the same out dir (the ledger runs/<id>/notifications.json decides what is sent).
 * The demo notifies two recipients; deliveries go one at a time (pool: false), so the kill lands
 * on the first recipient's delivery.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { startSmtpServer, type HoldPoint, type TestSmtpServer } from '../helpers/smtp-server.js';

const examples = join(repoRoot, 'examples');
const RUN = 'kill-1';
let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function setup(srv: TestSmtpServer) {
  const dir = mkdtempSync(join(tmpdir(), 'email-kill-'));
  const settings = join(dir, 'settings.yaml');
  writeFileSync(
    settings,
    `${demoSourceYaml()}detector: { type: builtin, baseline: [${JSON.stringify(join(examples, 'baseline', '*.log.gz'))}] }
smtp: { host: 127.0.0.1, port: ${srv.port}, from: "Alerts <alerts@pipeline.test>", pool: false }
upload: { type: local, dir: ${JSON.stringify(join(dir, 'uploads'))} }
output: { dir: ${JSON.stringify(join(dir, 'runs'))} }
`,
  );
  const args = ['run', '--config', settings, '--run-id', RUN, '--headless', '--json', '--skip-install'];
  const runDir = join(dir, 'runs', RUN);
  const runJson = () => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  const ledger = () => JSON.parse(readFileSync(join(runDir, 'notifications.json'), 'utf8'));
  return { args, runJson, ledger };
}

/** Deliveries (a 250 given) per recipient. */
function deliveries(srv: TestSmtpServer): Map<string, number> {
  const m = new Map<string, number>();
  for (const msg of srv.messages) for (const r of msg.rcptTo) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

const cases: { at: HoldPoint; firstDelivered: boolean; unknown: boolean }[] = [
  { at: 'connect', firstDelivered: false, unknown: false },
  { at: 'mailFrom', firstDelivered: false, unknown: false },
  { at: 'data', firstDelivered: false, unknown: true },
  { at: 'accepted', firstDelivered: true, unknown: false },
];

describe('SIGKILL during SMTP delivery, then a rerun of the same run id', () => {
  for (const c of cases) {
    it(`killed at ${c.at}: at most one delivery per recipient${c.unknown ? '; the first is reported unknown and sent only with --resend-unknown' : ''}`, { timeout: 120_000 }, async () => {
      server = await startSmtpServer({ holdAt: c.at });
      const srv = server;
      const { args, runJson, ledger } = setup(srv);
      const killed = await runCli(args, { onSpawn: (kill) => void srv.reached().then(() => kill('SIGKILL')) });
      expect(killed.code, killed.stderr).toBeNull(); // died by the signal
      const recipients = [...new Set(srv.rcptAttempts)];
      const first = c.at === 'connect' || c.at === 'mailFrom' ? undefined : recipients[0];
      expect(srv.messages.length).toBe(c.firstDelivered ? 1 : 0);

      const rerun = await runCli(args);
      expect(rerun.code, rerun.stdout.slice(-2000) + rerun.stderr).toBe(0);
      const counts = deliveries(srv);
      for (const n of counts.values()) expect(n).toBe(1);
      const summary = runJson().summary.notification;
      const entries = ledger().sent as Record<string, { state: string; messageId: string }>;
      if (c.unknown) {
        // After DATA, before the 250: the message is in doubt, so it is not sent again by default.
        expect(first).toBeDefined();
        expect(counts.has(first!)).toBe(false);
        expect(summary.unknown).toEqual([first]);
        expect(entries[first!.toLowerCase()].state).toBe('sending');
        const events = rerun.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; level?: string; msg?: string; fields?: Record<string, unknown> });
        expect(events.some((e) => e.type === 'log' && e.level === 'warn' && /delivery unknown/.test(e.msg ?? ''))).toBe(true);
        expect(counts.size).toBe(1); // the other recipient got theirs

        // --resend-unknown sends it once more, with the Message-ID the ledger recorded.
        const resent = await runCli([...args, '--resend-unknown']);
        expect(resent.code, resent.stderr).toBe(0);
        const again = deliveries(srv);
        expect(again.get(first!)).toBe(1);
        const msg = srv.messages.find((m) => m.rcptTo.includes(first!))!;
        expect(msg.parsed.messageId).toBe(entries[first!.toLowerCase()].messageId);
        expect(ledger().sent[first!.toLowerCase()].state).toBe('sent');
        expect(runJson().summary.notification.unknown).toBeUndefined();
      } else {
        // Every recipient has exactly one delivery (the first's may have come from the killed run).
        expect(counts.size).toBe(2);
        expect(summary.unknown ?? []).toEqual(c.at === 'accepted' && entries[recipients[0].toLowerCase()]?.state === 'sending' ? [recipients[0]] : []);
      }
    });
  }
});
