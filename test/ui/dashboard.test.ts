/// <reference lib="dom" />
/**
 * The web dashboard in a real headless Chromium (Debian's package; .ci/run installs it): the runs
 * list shows a demo run, its page shows the DAG and the incident, a live run's page follows the
 * run, a log line with <script> renders as text, and no request leaves 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { runCli, repoRoot } from '../helpers/cli.js';
import { createUiServer } from '../../src/ui/server.js';
import { listLocalRuns } from '../../src/runs/local-runs.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
// vitest sets CI=false for its workers; .ci/run exports LAP_CI=1 so CI can insist on the browser.
const inCi = process.env.LAP_CI === '1';
if (!CHROMIUM && !inCi) console.warn('test/ui/dashboard.test.ts: skipped, no chromium at /usr/bin/chromium (apt-get install chromium)');

let dir: string;
let server: Server;
let base: string;
const journal = () => join(dir, 'hostile-1', 'bus.ndjson');
let seq = 0;
const at = () => new Date().toISOString();
function append(e: Record<string, unknown>): void {
  appendFileSync(journal(), JSON.stringify({ v: 1, runId: 'hostile-1', seq: ++seq, at: at(), ...e }) + '\n');
}

describe.skipIf(!CHROMIUM && !inCi)('log-anomaly ui in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    expect(CHROMIUM, 'chromium must be installed in CI (.ci/run installs it)').toBeDefined();
    dir = mkdtempSync(join(tmpdir(), 'lap-ui-'));
    const r = await runCli(['run', '--config', join(repoRoot, 'examples', 'demo.yaml'), '--out-dir', dir, '--run-id', 'demo-ui', '--headless']);
    expect(r.code, r.stderr).toBe(0);
    // A run still going, whose log carries hostile text.
    mkdirSync(join(dir, 'hostile-1'));
    writeFileSync(journal(), '');
    append({ type: 'run', status: 'started', params: { skipInstall: false, dryRun: true, source: 'file:x.log' } });
    append({ type: 'step', step: 'install_packages', name: 'install_packages', kind: 'task', status: 'running', attempt: 1, maxAttempts: 1 });
    append({ type: 'log', level: 'info', step: 'install_packages', msg: 'line from a log: <script>alert(1)</script><img src=x onerror=alert(2)>' });
    server = createUiServer({ runsDir: dir, listRuns: () => listLocalRuns(dir), pollMs: 50 });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists runs, shows a run page with its DAG and incident, follows a live run, escapes log text, stays on 127.0.0.1', async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const dialogs: string[] = [];
      const cspViolations: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });

      await page.goto(`${base}/`, { waitUntil: 'load' });
      const listed = await page.$$eval('#runs tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
      expect(listed).toEqual(expect.arrayContaining(['demo-ui', 'hostile-1']));
      await page.goto(`${base}/?status=completed`, { waitUntil: 'load' });
      expect(await page.$$eval('#runs tbody tr td:first-child', (tds) => tds.map((td) => td.textContent))).toEqual(['demo-ui']);

      await page.goto(`${base}/runs/demo-ui`, { waitUntil: 'load' });
      const steps = await page.$$eval('#steps tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-step'), tr.querySelector('.st')?.textContent]));
      expect(steps).toContainEqual(['report_postProcess/upload_report', 'done']);
      expect(steps).toContainEqual(['report_postProcess/analyze_report/send_notification_emails', 'done']);
      expect(await page.$eval('h3', (h) => h.textContent)).toMatch(/^1\. critical payments: db connection pool exhausted/);
      expect(await page.$$eval('svg.chart text', (t) => t.length)).toBe(3);
      await page.screenshot({ path: join(dir, 'run-page.png'), fullPage: true });
      const report = await page.goto(`${base}/runs/demo-ui/files/report.html`);
      expect(report?.status()).toBe(200);
      expect(await page.title()).toBe('Log anomaly report: run demo-ui');

      await page.goto(`${base}/runs/hostile-1`, { waitUntil: 'load' });
      expect(await page.$eval('#log', (p) => p.textContent)).toContain('<script>alert(1)</script><img src=x onerror=alert(2)>');
      expect(await page.$$eval('#log script, #log img', (n) => n.length)).toBe(0);
      // Live: the page follows the journal as the run goes on.
      append({ type: 'log', level: 'info', step: 'install_packages', msg: 'live line 2' });
      await page.waitForFunction(() => document.getElementById('log')?.textContent?.includes('live line 2'), { timeout: 10_000 });
      append({ type: 'step', step: 'install_packages', name: 'install_packages', kind: 'task', status: 'done', attempt: 1, durationMs: 12 });
      append({ type: 'run', status: 'completed', params: { skipInstall: false, dryRun: true }, exitCode: 0 });
      await page.waitForFunction(() => document.querySelector('h1 .st')?.textContent === 'completed', { timeout: 10_000 });

      expect(dialogs).toEqual([]);
      expect(cspViolations).toEqual([]);
      expect(requests.length).toBeGreaterThan(5);
      for (const u of requests) expect(u.startsWith(`${base}/`), u).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('serves only a run\'s own report files, and refuses ids and names that escape the folder', async () => {
    for (const path of ['/runs/..%2F..%2Fetc/files/report.html', '/runs/demo-ui/files/..%2Frun.json', '/runs/demo-ui/files/events.ndjson', '/runs/nope']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
    }
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
  });
});
