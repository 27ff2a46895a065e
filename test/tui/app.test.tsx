import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { ReplaySubject, from, type Observable } from 'rxjs';
import type { BusEvent } from '../../src/bus/events.js';
import { RunTuiApp } from '../../src/tui/app.js';
import { failedRun, happyRun, HOSTILE, hostileRun, longInstall, P, retryRun, SCRIPT_START, scriptBuilder, skippedRun } from '../helpers/event-scripts.js';

const CLOCK = () => SCRIPT_START + 3000;
const KEY = { down: '\u001b[B', enter: '\r', escape: '\u001b', ctrlC: '\u0003' } as const;

function mount(events$: ReplaySubject<BusEvent> | Observable<BusEvent>, opts: { mode?: 'local' | 'remote'; onCancel?: () => void } = {}) {
  const onCancel = opts.onCancel ?? vi.fn();
  const app = render(<RunTuiApp events$={events$} mode={opts.mode ?? 'local'} onCancel={onCancel} clock={CLOCK} animate={false} fps={200} />);
  const frame = () => app.lastFrame() ?? '';
  const until = (text: string | RegExp) => vi.waitFor(() => expect(frame()).toMatch(text), { timeout: 20_000, interval: 5 });
  return { ...app, frame, until, onCancel };
}

/** A row of the tree, found by the step's name, with runs of spaces collapsed. */
const row = (frame: string, name: string) => (frame.split('\n').find((l) => l.includes(` ${name} `)) ?? '').replace(/ +/g, ' ').trim();

afterEach(() => cleanup());

describe('RunTuiApp', () => {
  it('a happy run ends on the full summary screen', async () => {
    const app = mount(from(happyRun()));
    await app.until('exit 0');
    expect(app.frame()).toBe(
      [
        'log-anomaly run run-20261126  completed  00:02',
        'config 2026.11.3 · source file:examples/logs/*.log · 29 events',
        '›✔ log-anomaly-pipeline                                      flow  done                        2.6s',
        ' ├─ ✔ install_packages                                       task  done                       100ms',
        ' ├─ ✔ prepare_prerequisite                                   task  done                       500ms',
        ' │  ├─ ✔ execute_cloudwatchLog_injetion                      flow  done                       400ms',
        ' │  └─ ✔ download_config_yaml                                flow  done                       200ms',
        ' ├─ ✔ execute_logAnomaly                                     task  done                        1.3s',
        ' └─ ✔ report_postProcess                                     task  done                       450ms',
        '    ├─ ✔ analyze_report                                      flow  done                       200ms',
        '    │  └─ ✔ send_notification_emails                         flow  done                       100ms',
        '    └─ ✔ upload_report                                       flow  done                       100ms',
        '■ run completed in 2.6s · 7 anomalies (4 reported) · critical 1 · high 2 · medium 1',
        ' 1 spike            payment gateway timeout after <*> ms                          412 vs 3 expected',
        '                    payment gateway timeout after 30000 ms req=9f2c',
        ' 2 new_template     circuit breaker OPEN for <*>                                   38 vs 0 expected',
        '                    circuit breaker OPEN for payments-db',
        // at 24 rows the third finding outranks the volume chart (layout.test.tsx shows it at 200x50)
        ' 3 error_rate       ERROR rate in auth                                           120 vs 14 expected',
        'report  file:///tmp/runs/uploads/run-20261126/report.html',
        'email   sent to 3 recipients',
        'exit 0',
      ].join('\n'),
    );
  });

  it('shows skip_install and dry_run skips with their reasons and badges', async () => {
    const app = mount(from(skippedRun()));
    await app.until('exit 0');
    const f = app.frame();
    expect(f.split('\n')[0]).toMatch(/completed {2}00:02 {2}\[dry_run\] {2}\[skip_install\]$/);
    expect(row(f, 'install_packages')).toBe('├─ ⊘ install_packages task skipped (skip_install)');
    expect(row(f, 'send_notification_emails')).toBe('│ └─ ⊘ send_notification_emails flow skipped (dry_run)');
    expect(f).toContain('email   skipped (dry_run)');
  });

  it('shows retrying n/m with the countdown, the error in the details, then success', async () => {
    const { retrying, rest } = retryRun();
    const events$ = new ReplaySubject<BusEvent>();
    retrying.forEach((e) => events$.next(e));
    const app = mount(events$);
    await app.until('retrying');
    // The retry is due 4s after the retrying event; the fixed clock says 3s have passed since start.
    const due = Math.ceil((Date.parse(retrying.at(-1)!.at) + 4000 - CLOCK()) / 1000);
    expect(row(app.frame(), 'download_config_yaml')).toMatch(new RegExp(`^│ └─ ↻ download_config_yaml flow retrying 1/3 in ${due}s \\d`));
    for (let i = 0; i < 4; i++) app.stdin.write(KEY.down);
    await app.until(/›│ {2}└─ ↻ download_config_yaml/);
    app.stdin.write(KEY.enter);
    await app.until('─ download_config_yaml (enter/esc closes)');
    expect(app.frame()).toContain('attempt 1: retrying · NETWORK (retryable): connect ECONNRESET 10.0.0.7:443');
    rest.forEach((e) => events$.next(e));
    await app.until('exit 0');
    expect(row(app.frame(), "download_config_yaml")).toMatch(/^›│ └─ ✔ download_config_yaml flow done/);
  });

  it('a failure names the step and the error, on the row and in the summary', async () => {
    const app = mount(from(failedRun()));
    await app.until('exit 1');
    const f = app.frame();
    expect(row(f, 'upload_report')).toBe('└─ ✖ upload_report flow failed HTTP 100ms');
    expect(f).toContain('■ run failed in 1.0s at report_postProcess/upload_report: HTTP PUT report.html: 403 Forbidden');
  });

  it('q asks to confirm, n keeps running, y cancels once; the run then ends cancelled', async () => {
    const long = longInstall();
    const events$ = new ReplaySubject<BusEvent>();
    long.running.forEach((e) => events$.next(e));
    const app = mount(events$);
    await app.until(/install_packages +task +running/);
    app.stdin.write('q');
    await app.until('Cancel run run-long? y = cancel it, n = keep running (Ctrl-C again forces)');
    app.stdin.write('n');
    await app.until('q cancel run');
    expect(app.onCancel).not.toHaveBeenCalled();
    app.stdin.write('q');
    await app.until('Cancel run run-long?');
    app.stdin.write('y');
    await app.until('cancelling… waiting for the steps in flight to stop (Ctrl-C forces)');
    expect(app.onCancel).toHaveBeenCalledTimes(1);
    long.cancelled().forEach((e) => events$.next(e));
    await app.until('exit 1');
    expect(app.frame()).toContain('■ run cancelled in');
    expect(row(app.frame(), 'install_packages')).toMatch(/^├─ ■ install_packages task cancelled/);
    expect(app.onCancel).toHaveBeenCalledTimes(1);
  });

  it('a second Ctrl-C forces: cancel and leave at once', async () => {
    const events$ = new ReplaySubject<BusEvent>();
    longInstall().running.forEach((e) => events$.next(e));
    const app = mount(events$);
    await app.until(/install_packages +task +running/);
    app.stdin.write(KEY.ctrlC);
    await app.until('Cancel run run-long?');
    app.stdin.write(KEY.ctrlC);
    await app.until('forced: run cancelled, leaving now');
    expect(app.onCancel).toHaveBeenCalledTimes(1);
  });

  it('remote: q stops watching without cancelling anything', async () => {
    const events$ = new ReplaySubject<BusEvent>();
    longInstall().running.forEach((e) => events$.next(e));
    const app = mount(events$, { mode: 'remote' });
    await app.until('run-long');
    expect(app.frame()).toContain('q stop watching');
    expect(app.frame().split('\n')[0]).toContain('log-anomaly (watching) run run-long');
    app.stdin.write('q');
    await app.until('stopped watching');
    expect(app.onCancel).not.toHaveBeenCalled();
  });

  it('hostile log text never reaches a frame as escapes or control characters', async () => {
    const events = hostileRun();
    const events$ = new ReplaySubject<BusEvent>();
    events.slice(0, -2).forEach((e) => events$.next(e));
    const app = mount(events$);
    await app.until('cleared your screen');
    events.slice(-2).forEach((e) => events$.next(e));
    await app.until('exit 1');
    const all = app.frames.join('\n');
    expect(all).toContain('[install_packages] title changed');
    expect(all).toContain('bell� and red and cursor  up');
    expect(all).toContain('line one line two carriage');
    expect(all).toContain('■ run failed in 400ms at install_packages: COMMAND_FAILED boom');
    // no ESC, BEL, C1, backspace, NUL or DEL in any frame (newlines separate rows)
    expect(all).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(HOSTILE.length).toBe(5);
  });

  it('l hides and shows the log pane; ? shows the keys', async () => {
    const events$ = new ReplaySubject<BusEvent>();
    longInstall().running.forEach((e) => events$.next(e));
    const app = mount(events$);
    await app.until('[install_packages] running node -e …');
    app.stdin.write('l');
    await vi.waitFor(() => expect(app.frame()).not.toContain('─ logs (l hides)'));
    app.stdin.write('l');
    await app.until('─ logs (l hides)');
    app.stdin.write('?');
    await app.until('─ keys (? closes)');
    expect(app.frame()).toContain('q, Ctrl-C  cancel the run (asks to confirm; Ctrl-C again forces)');
    app.stdin.write(KEY.escape);
    await app.until('─ logs (l hides)');
  });

  it('progress: a bar where the total is known, a live count where not; details list artifacts', async () => {
    const b = scriptBuilder('run-progress');
    b.run('started').step(P.install, 'done').step(P.prepare, 'running').step(P.ingest, 'running', { attempt: 1 });
    b.progress(P.ingest, 'streams', 2, 4).progress(P.ingest, 'lines', 12_000).progress(P.ingest, 'bytes', 1_300_000);
    b.artifact(P.ingest, 'events.ndjson', 'file:///tmp/runs/run-progress/events.ndjson', 2_048);
    const events$ = new ReplaySubject<BusEvent>();
    b.events.forEach((e) => events$.next(e));
    const app = mount(events$);
    await app.until('12,000 lines');
    const lines = app.frame().split('\n');
    expect(lines.find((l) => l.includes('streams'))).toMatch(/^execute_cloudwatchLog_injetion +\[█{11}░{11}\] {2}50% 2\/4 streams$/);
    expect(lines.find((l) => l.includes('12,000'))).toMatch(/^execute_cloudwatchLog_injetion +12,000 lines$/);
    expect(lines.find((l) => l.includes('MB'))).toMatch(/^execute_cloudwatchLog_injetion +1\.2 MB$/);
    for (let i = 0; i < 3; i++) app.stdin.write(KEY.down);
    await app.until(/›│ {2}├─ ◐ execute_cloudwatchLog_injetion/);
    app.stdin.write(KEY.enter);
    await app.until('artifact events.ndjson file:///tmp/runs/run-progress/events.ndjson (2.0 KB)');
    expect(app.frame()).toContain('path prepare_prerequisite/execute_cloudwatchLog_injetion · flow · running');
  });
});

describe('RunTuiApp: the failure screen', () => {
  const LONG = 'PUT https://reports.example.internal/very/long/path/to/the/report/of/this/run/report.html: 403 Forbidden: the bucket policy denies s3:PutObject to role log-anomaly-uploader; ask the platform team to grant it (ticket OPS-1234)';
  const withLongError = () =>
    failedRun().map((e) => ('error' in e && e.error ? ({ ...e, error: { ...e.error, message: LONG } }) : e));

  it('shows the whole error, wrapped, and waits for q with details and help still working', async () => {
    const app = render(<RunTuiApp events$={from(withLongError())} mode="local" onCancel={vi.fn()} clock={CLOCK} animate={false} fps={200} holdOnFailure />);
    const frame = () => app.lastFrame() ?? '';
    await vi.waitFor(() => expect(frame()).toMatch(/exit 1 · .*q quit/), { timeout: 20_000, interval: 5 });
    // every word of the error is on screen (wrapped over lines, nothing cut with …)
    const flat = frame().replace(/\s+/g, ' ');
    expect(flat).toContain(LONG.replace(/\s+/g, ' '));
    app.stdin.write('?');
    await vi.waitFor(() => expect(frame()).toContain('keys (? closes)'), { timeout: 20_000, interval: 5 });
    app.stdin.write('?');
    await vi.waitFor(() => expect(frame()).not.toContain('keys (? closes)'), { timeout: 20_000, interval: 5 });
    app.stdin.write('q');
    await vi.waitFor(() => expect(frame()).toMatch(/^exit 1$/m), { timeout: 20_000, interval: 5 });
  });
});
