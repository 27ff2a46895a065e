/**
 * The screen at 80x24 and 200x50: the counts and the top incident always on screen, the log
 * pane shrinking first and the tree folding when rows run short; no frame as tall as the
 * terminal (Ink would clear and flicker) or wider than it.
 */
import { Console } from 'node:console';
import { describe, expect, it, vi } from 'vitest';
import { ReplaySubject } from 'rxjs';
import type { BusEvent } from '../../src/bus/events.js';
import { renderRunTui } from '../../src/tui/render.js';
import { computeLayout } from '../../src/tui/layout.js';
import { failedRun, incidentRun, P, SCRIPT_START, scriptBuilder } from '../helpers/event-scripts.js';
import { fakeTerminal } from './fake-tty.js';

(console as unknown as { Console: typeof Console }).Console ??= Console;

const CLOCK = () => SCRIPT_START + 3000;
const COUNTS = '■ run completed in 2.5s · 4 incidents · 11 anomalies (11 reported) · critical 4 · high 2 · medium 4 · low 1';
const TOP = ' 1 CRITICAL payments: db connection pool exhausted';
const flat = (frame: string) => frame.replace(/\s+/g, ' ');

async function finalFrame(columns: number, rows: number, events: BusEvent[]) {
  const term = fakeTerminal(columns, rows);
  const events$ = new ReplaySubject<BusEvent>();
  events.forEach((e) => events$.next(e));
  await renderRunTui({ events$, mode: 'local', onCancel: vi.fn(), ...term.streams, clock: CLOCK, animate: false, fps: 200, noColor: true });
  expectFits(term.stdout.frames(), columns, rows);
  return term.stdout.lastFrame();
}

function expectFits(frames: string[], columns: number, rows: number) {
  expect(frames.length).toBeGreaterThan(0);
  for (const f of frames) {
    expect(f.split('\n').length).toBeLessThan(rows);
    for (const line of f.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(columns);
  }
}

describe('the layout at 80x24 and 200x50', () => {
  it('80x24, final screen: the counts (wrapped, not cut), every incident, report and email; the tree folds', async () => {
    const f = await finalFrame(80, 24, incidentRun());
    const lines = f.split('\n');
    // the counts wrap at a ' · ' (dropped at the break): two lines that read as the one line
    expect(`${lines[4]} · ${lines[5]}`).toBe(COUNTS);
    expect(lines[5]).toBe('high 2 · medium 4 · low 1');
    expect(lines).toContain(TOP);
    for (const n of [' 2 CRITICAL api-gateway', ' 3 CRITICAL worker', ' 4 LOW req=']) expect(f).toContain(n);
    expect(f).toMatch(/^report {2}file:\/\/\/tmp\/runs\/uploads/m);
    expect(f).toMatch(/^email {3}previewed for 2 recipients/m);
    // folded: the root row and one line that counts the rest
    expect(lines[2]).toMatch(/^›✔ log-anomaly-pipeline +flow +done/);
    expect(lines[3]).toBe('   ⋯ 9 more steps: 9 done');
    expect(f).not.toContain('install_packages');
    expect(lines.at(-1)).toBe('exit 0');
  });

  it('200x50, final screen: the whole tree, the counts on one line, every incident with its sample, the chart', async () => {
    const f = await finalFrame(200, 50, incidentRun());
    const lines = f.split('\n');
    expect(lines).toContain(COUNTS);
    expect(lines).toContain(TOP);
    expect(f).toContain('   req=5c478cecf24a9a11 db connection pool exhausted: timed out after 5000ms waiting for a connection (pool=payments-primary size=20)');
    for (const name of ['install_packages', 'execute_cloudwatchLog_injetion', 'send_notification_emails', 'upload_report']) expect(f).toMatch(new RegExp(`✔ ${name} +(task|flow) +done`));
    expect(f).not.toContain('more steps');
    expect(f).toMatch(/^volume {2}[▁▂▃▄▅▆▇█]+ {2}1h00m$/m);
  });

  it('80x24, a failed run: the failed step stays in the tree and the whole error is on screen', async () => {
    const long = 'PUT https://reports.example.internal/very/long/path/report.html: 403 Forbidden: the bucket policy denies s3:PutObject to role log-anomaly-uploader; ask the platform team to grant it';
    const events = failedRun().map((e) => ('error' in e && e.error ? ({ ...e, error: { ...e.error, message: long } }) : e));
    const f = await finalFrame(80, 24, events);
    expect(f).toMatch(/✖ upload_report +flow +failed HTTP/);
    expect(flat(f)).toContain(`■ run failed in 1.0s at report_postProcess/upload_report: HTTP ${long}`);
  });

  it('while running, the log pane shrinks first, then the tree folds and keeps the running steps', async () => {
    const b = scriptBuilder('run-busy');
    b.run('started').step(P.install, 'done').step(P.prepare, 'running').step(P.ingest, 'running', { attempt: 1 }).step(P.config, 'running', { attempt: 1 });
    b.progress(P.ingest, 'bytes', 300_000, 1_000_000);
    for (let i = 0; i < 30; i++) b.log('info', `line ${i}`, P.ingest);
    const events$ = new ReplaySubject<BusEvent>();
    b.events.forEach((e) => events$.next(e));
    const term = fakeTerminal(80, 24);
    const ui = renderRunTui({ events$, mode: 'remote', onCancel: vi.fn(), ...term.streams, clock: CLOCK, animate: false, fps: 200, noColor: true });
    const until = (test: (f: string) => boolean) => vi.waitFor(() => expect(test(term.stdout.lastFrame())).toBe(true), { timeout: 20_000, interval: 5 });
    await until((f) => f.includes('line 29'));
    let f = term.stdout.lastFrame();
    expect(f).toContain('upload_report'); // the whole tree
    expect(f).toMatch(/\[█+░+\] +30% /);
    expect(f).toContain('─ logs (l hides)');
    expect(f.split('\n').filter((l) => / INFO {2}\[execute_cloudwatchLog_injetion\] line/.test(l))).toHaveLength(8);
    term.stdout.resize(80, 16);
    await until((f) => f.includes('more steps'));
    f = term.stdout.lastFrame();
    expect(f).toMatch(/◐ execute_cloudwatchLog_injetion +flow +running/);
    expect(f).toMatch(/◐ download_config_yaml +flow +running/);
    expect(f).toContain('   ⋯ 6 more steps: 1 done · 5 pending');
    expect(f).toMatch(/\[█+░+\] +30% /);
    expect(f).toContain('line 29');
    expectFits([f], 80, 16);
    term.stdin.press('q');
    await ui;
  });

  it('computeLayout: the tree folds only when the whole tree leaves the lower pane short', () => {
    const needs = { treeRows: 10, foldedTreeRows: 2, over: false };
    expect(computeLayout(80, 24, { ...needs, wanted: 6 })).toMatchObject({ folded: false, lower: 10, columns: 79 });
    expect(computeLayout(80, 24, { ...needs, wanted: 11 })).toMatchObject({ folded: true, lower: 18 });
    expect(computeLayout(80, 24, { ...needs, wanted: 10, over: true })).toMatchObject({ folded: true, lower: 17 });
    expect(computeLayout(200, 50, { ...needs, wanted: 30, over: true })).toMatchObject({ folded: false, lower: 35 });
    // nothing to fold away: the whole tree stays
    expect(computeLayout(80, 24, { treeRows: 3, foldedTreeRows: 3, wanted: 40, over: false })).toMatchObject({ folded: false });
  });
});
