/**
 * The built CLI in a real terminal (tmux): the demo's final screen, and cancelling a long run
 * with q + y. The pane prints the exit code and whether the tty is back in canonical mode after
 * the CLI exits, so the test sees what a user's shell would get back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TmuxSession } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const sessions: TmuxSession[] = [];
let out: string;

function runInTmux(config: string, runId: string, extra = '--no-pace', size = { columns: 100, rows: 30 }): TmuxSession {
  // No CI (Ink and the CLI would fall back to plain output), no NATS; a clean TERM.
  const cmd = [
    `env -u CI NATS_URL= NO_COLOR= TERM=xterm-256color node ${cli} run --config ${config} --out-dir ${out} --run-id ${runId} ${extra}`,
    'code=$?',
    'mode=$(stty -a | tr " " "\\n" | grep -x -- "-\\{0,1\\}icanon")',
    'echo "[exit $code] [$mode]"',
    'sleep 600',
  ].join('; ');
  const s = new TmuxSession().start({ ...size, cwd: root, command: cmd });
  sessions.push(s);
  return s;
}

beforeAll(async () => {
  // global-setup builds dist/ when stale; build here too when it is missing (a filtered run).
  if (!existsSync(cli) || !existsSync(join(root, 'dist', 'tui', 'render.js'))) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  }
  out = await mkdtemp(join(tmpdir(), 'lap-tui-e2e-'));
});

afterAll(async () => {
  for (const s of sessions) s.kill();
  await rm(out, { recursive: true, force: true });
});

// each test waits up to 120 s for the CLI (a loaded machine runs the demo slowly): the test's own limit must be longer
describe('the TUI in a real terminal (tmux)', { timeout: 180_000 }, () => {
  it('runs the demo and leaves the final screen at 200x50: the DAG done, anomalies, report, email, chart', async () => {
    const tmux = runInTmux('examples/demo.yaml', 'tui-e2e-demo', '--no-pace', { columns: 200, rows: 50 });
    const screen = await tmux.waitFor(/\[exit \d+\]/, 120_000);
    expect(screen).toContain('[exit 0] [icanon]');
    expect(screen).toMatch(/^log-anomaly run tui-e2e-demo {2}completed {2}\d\d:\d\d/m);
    for (const name of ['log-anomaly-pipeline', 'install_packages', 'prepare_prerequisite', 'execute_cloudwatchLog_injetion', 'download_config_yaml', 'execute_logAnomaly', 'report_postProcess', 'analyze_report', 'send_notification_emails', 'upload_report']) {
      expect(screen).toMatch(new RegExp(`✔ ${name} +(task|flow) +done`));
    }
    expect(screen).toMatch(/^■ run completed in [\dhms.]+ · \d+ incidents · \d[\d,]* anomalies \(\d[\d,]* reported\)/m);
    // The incident with the pool exhausted first, its trigger's template and figures under it.
    expect(screen).toMatch(/^ 1 CRITICAL payments: db connection pool exhausted$/m);
    expect(screen).toMatch(/^ {3}\d+ findings · trigger new_template: req=<\*> db connection pool.* \d[\d,]* (vs [\d,]+ expected|\(no baseline\))$/m);
    expect(screen).toMatch(/^report {2}file:\/\//m);
    expect(screen).toMatch(/^email {3}(previewed for|sent to|not needed)/m);
    expect(screen).toMatch(/^volume {2}[▁▂▃▄▅▆▇█]+/m);
    expect(screen).toMatch(/^exit 0$/m);
    expect(tmux.display('#{cursor_flag}')).toBe('1'); // the cursor is visible again
  });

  it('at 80x24 the demo final screen keeps the counts and the top incident: the tree folds, nothing is cut', async () => {
    const tmux = runInTmux('examples/demo.yaml', 'tui-e2e-small', '--no-pace', { columns: 80, rows: 24 });
    const screen = await tmux.waitFor(/\[exit \d+\]/, 120_000);
    expect(screen).toContain('[exit 0] [icanon]');
    expect(screen).toMatch(/^log-anomaly run tui-e2e-small {2}completed/m);
    expect(screen).toMatch(/^›✔ log-anomaly-pipeline +flow +done/m);
    expect(screen).toMatch(/^ {3}⋯ 9 more steps: 9 done$/m);
    // the counts, wrapped at a ' · ' rather than cut with …
    expect(screen).toMatch(/^■ run completed in [\dhms.]+ · \d+ incidents · \d[\d,]* anomalies \(\d[\d,]* reported\)/m);
    expect(screen).toMatch(/(^| · )low \d+$/m);
    expect(screen).toMatch(/^ 1 CRITICAL payments: db connection pool exhausted$/m);
    expect(screen).toMatch(/^ 4 LOW /m);
    expect(screen).toMatch(/^email {3}previewed for/m);
    expect(screen).not.toMatch(/critical …/);
    for (const line of screen.split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });

  it('the demo is paced (--pace, its default): steps are watchable and the final screen takes keys until q', async () => {
    const tmux = runInTmux('examples/demo.yaml', 'tui-e2e-paced', '');
    // a step is seen running, then the next: the run is shown at a pace a person can follow
    await tmux.waitFor(/install_packages +task +running/, 60_000);
    await tmux.waitFor(/install_packages +task +done/, 10_000);
    const final = await tmux.waitFor(/exit 0 · .*q quit/, 120_000);
    expect(final).toMatch(/^■ run completed in /m);
    expect(final).not.toContain('[exit');
    // still interactive: help opens on the final screen, then q leaves with the run's exit code
    tmux.sendKeys('?');
    await tmux.waitFor("keys (? closes)", 10_000);
    tmux.sendKeys('q');
    const after = await tmux.waitFor(/\[exit \d+\]/, 10_000);
    expect(after).toContain('[exit 0] [icanon]');
  });

  it('q then y on a long run cancels it: exit 1 and the cancelled status on screen', async () => {
    const tmux = runInTmux('examples/slow.yaml', 'tui-e2e-slow');
    await tmux.waitFor((s) => /install_packages +task +running/.test(s) && s.includes('installing, step'), 60_000);
    tmux.sendKeys('q');
    await tmux.waitFor('Cancel run tui-e2e-slow? y = cancel it', 10_000);
    tmux.sendKeys('y');
    const screen = await tmux.waitFor(/\[exit \d+\]/, 60_000);
    expect(screen).toContain('[exit 1] [icanon]');
    expect(screen).toMatch(/^log-anomaly run tui-e2e-slow {2}cancelled/m);
    expect(screen).toMatch(/■ install_packages +task +cancelled/);
    expect(screen).toMatch(/^■ run cancelled in /m);
    expect(tmux.display('#{cursor_flag}')).toBe('1');
  });
});
