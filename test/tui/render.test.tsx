import { Console } from 'node:console';
import { describe, expect, it, vi } from 'vitest';
import { ReplaySubject, Subject, throwError } from 'rxjs';
import type { BusEvent } from '../../src/bus/events.js';
import { renderRunTui } from '../../src/tui/render.js';
import { happyRun, longInstall, SCRIPT_START, scriptBuilder, P } from '../helpers/event-scripts.js';
import { fakeTerminal } from './fake-tty.js';

// vitest's console lacks `Console`, which Ink's patchConsole (on in production) builds on.
(console as unknown as { Console: typeof Console }).Console ??= Console;

const SHOW_CURSOR = '\u001b[?25h';
const CLOCK = () => SCRIPT_START + 3000;
const width = (line: string) => Array.from(line).length;

function start(term: ReturnType<typeof fakeTerminal>, events$: Subject<BusEvent>, mode: 'local' | 'remote' = 'local') {
  const onCancel = vi.fn();
  const done = renderRunTui({ events$, mode, onCancel, ...term.streams, clock: CLOCK, animate: false, fps: 200, noColor: true });
  const until = (text: string) => vi.waitFor(() => expect(term.stdout.lastFrame()).toContain(text), { timeout: 20_000, interval: 5 });
  return { onCancel, done, until };
}

function expectCleanTerminal(term: ReturnType<typeof fakeTerminal>) {
  expect(term.stdin.isRaw).toBe(false);
  expect(term.stdin.rawModeCalls).toContain(true); // it did listen for keys
  expect(term.stdout.output.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(term.stdout.output.lastIndexOf('log-anomaly'));
}

describe('renderRunTui', () => {
  it('keeps events emitted before React subscribes, fits 80x24, resolves after the final screen, leaves the tty clean', async () => {
    const term = fakeTerminal(80, 24);
    const events$ = new Subject<BusEvent>();
    const ui = start(term, events$);
    // synchronously, as the run does right after mounting the UI
    happyRun().forEach((e) => events$.next(e));
    await ui.done;
    const last = term.stdout.lastFrame();
    expect(last).toContain('■ run completed in 2.6s');
    expect(last).toContain('email   sent to 3 recipients');
    expect(last.split('\n').at(-1)).toBe('exit 0');
    for (const f of term.stdout.frames()) {
      expect(f.split('\n').length).toBeLessThan(24); // a full-height frame makes Ink clear and flicker
      for (const line of f.split('\n')) expect(width(line)).toBeLessThanOrEqual(80);
    }
    expect(ui.onCancel).not.toHaveBeenCalled();
    expectCleanTerminal(term);
  });

  it('truncates with an ellipsis and follows a resize', async () => {
    const term = fakeTerminal(100, 30);
    const b = scriptBuilder('run-resize', { source: `file:${'/very/long/path'.repeat(10)}/*.log` });
    const events$ = new ReplaySubject<BusEvent>();
    b.run('started').step(P.prepare, 'running').step(P.ingest, 'running').log('info', 'x'.repeat(300), P.ingest).events.forEach((e) => events$.next(e));
    const ui = start(term, events$);
    await ui.until('run-resize');
    expect(term.stdout.lastFrame().split('\n')[1]).toMatch(/^config - · source file:\/very\/long.*…$/);
    term.stdout.resize(60, 20);
    await vi.waitFor(() => expect(term.stdout.lastFrame()).toContain('execute_cloudwatch…'), { timeout: 20_000, interval: 5 });
    const f = term.stdout.lastFrame();
    for (const line of f.split('\n')) expect(width(line)).toBeLessThanOrEqual(60);
    expect(f.split('\n').length).toBeLessThan(20);
    expect(f).toMatch(/\[execute_cloudwatchLog_injetion\] x+…/);
    events$.next({ ...b.events.at(-1)!, type: 'run', status: 'cancelled', params: { skipInstall: false, dryRun: false }, seq: 99 });
    await ui.done;
    expectCleanTerminal(term);
  });

  it('local: Ctrl-C twice forces (onCancel, unmount at once) and leaves the tty clean', async () => {
    const term = fakeTerminal();
    const events$ = new ReplaySubject<BusEvent>();
    longInstall().running.forEach((e) => events$.next(e));
    const ui = start(term, events$);
    await ui.until('install_packages');
    term.stdin.press('\u0003');
    await ui.until('Cancel run run-long?');
    expect(ui.onCancel).not.toHaveBeenCalled();
    term.stdin.press('\u0003');
    await ui.done;
    expect(ui.onCancel).toHaveBeenCalledTimes(1);
    expect(term.stdout.lastFrame()).toContain('forced: run cancelled, leaving now');
    expectCleanTerminal(term);
  });

  it('local: q, y cancels through onCancel; the UI stays until the run reports cancelled', async () => {
    const term = fakeTerminal();
    const long = longInstall();
    const events$ = new ReplaySubject<BusEvent>();
    long.running.forEach((e) => events$.next(e));
    const ui = start(term, events$);
    await ui.until('install_packages');
    term.stdin.press('q');
    await ui.until('Cancel run run-long?');
    term.stdin.press('y');
    await ui.until('cancelling…');
    expect(ui.onCancel).toHaveBeenCalledTimes(1);
    long.cancelled().forEach((e) => events$.next(e));
    await ui.done;
    expect(term.stdout.lastFrame()).toContain('■ run cancelled in');
    expectCleanTerminal(term);
  });

  it('remote: q stops watching and never calls onCancel', async () => {
    const term = fakeTerminal();
    const events$ = new ReplaySubject<BusEvent>();
    longInstall().running.forEach((e) => events$.next(e));
    const ui = start(term, events$, 'remote');
    await ui.until('install_packages');
    term.stdin.press('q');
    await ui.done;
    expect(ui.onCancel).not.toHaveBeenCalled();
    expectCleanTerminal(term);
  });

  it('an event stream that fails ends the UI with the reason on screen', async () => {
    const term = fakeTerminal();
    const ui = start(term, throwError(() => new Error('nats: connection closed')) as unknown as Subject<BusEvent>, 'remote');
    await ui.done;
    expect(term.stdout.lastFrame()).toContain('■ run event stream failed: nats: connection closed');
  });

  it('a crash inside the UI rejects, says so on stderr, and still restores the terminal', async () => {
    const term = fakeTerminal(80, 24, { failRawMode: true });
    const events$ = new ReplaySubject<BusEvent>();
    longInstall().running.forEach((e) => events$.next(e));
    const ui = start(term, events$);
    await expect(ui.done).rejects.toThrow('this terminal refuses raw mode');
    expect(term.stderr.text).toContain('log-anomaly: the terminal UI failed: setRawMode EIO: this terminal refuses raw mode; the run goes on; Ctrl-C cancels it');
    expect(term.stdin.isRaw).toBe(false);
    expect(term.stdout.output.endsWith(SHOW_CURSOR) || term.stdout.output.lastIndexOf(SHOW_CURSOR) > 0).toBe(true);
    expect(ui.onCancel).not.toHaveBeenCalled();
  });
});
