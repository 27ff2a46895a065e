import { describe, expect, it } from 'vitest';
import { STEP_PATHS } from '../../src/dag.js';
import type { BusEvent } from '../../src/bus/events.js';
import { configVersionOf, endStream, initialRunView, isRunOver, LOG_WINDOW, reduceRunView, reduceRunViewBatch } from '../../src/tui/run-view.js';
import type { RunView, StepView } from '../../src/tui/run-view-types.js';
import { failedRun, happyRun, hostileRun, longInstall, P, retryRun, scriptBuilder, skippedRun } from '../helpers/event-scripts.js';

const fold = (events: readonly BusEvent[], from: RunView = initialRunView()) => events.reduce(reduceRunView, from);
const step = (v: RunView, path: string): StepView => v.steps.find((s) => s.path === path)!;

describe('reduceRunView', () => {
  it('lays out exactly the DAG of the original diagram, with original names and kinds', () => {
    const rows = initialRunView().steps.map((s) => `${s.branch}${s.name} ${s.kind}`);
    expect(rows).toEqual([
      'log-anomaly-pipeline flow',
      '├─ install_packages task',
      '├─ prepare_prerequisite task',
      '│  ├─ execute_cloudwatchLog_injetion flow',
      '│  └─ download_config_yaml flow',
      '├─ execute_logAnomaly task',
      '└─ report_postProcess task',
      '   ├─ analyze_report flow',
      '   │  └─ send_notification_emails flow',
      '   └─ upload_report flow',
    ]);
    expect(initialRunView().steps.slice(1).map((s) => s.path)).toEqual(STEP_PATHS);
  });

  it('folds a happy run: every step done with durations, progress, artifacts, summary', () => {
    const v = fold(happyRun());
    expect(v.status).toBe('completed');
    expect(isRunOver(v)).toBe(true);
    expect(v.exitCode).toBe(0);
    expect(v.steps.map((s) => s.status)).toEqual(Array(10).fill('done'));
    expect(step(v, P.detect).durationMs).toBe(1300);
    expect(step(v, P.ingest).progress).toEqual([
      { unit: 'streams', current: 4, total: 4, label: undefined },
      { unit: 'lines', current: 48_213, total: undefined, label: undefined },
    ]);
    expect(step(v, P.upload).artifacts).toEqual([{ name: 'report.html', uri: 'file:///tmp/runs/uploads/run-20261126/report.html', bytes: 18_342 }]);
    expect(configVersionOf(v)).toBe('2026.11.3');
    expect(v.summary?.top.map((a) => a.kind)).toEqual(['spike', 'new_template', 'error_rate']);
    expect(v.summary?.notification).toEqual({ status: 'sent', recipients: 3, reason: undefined });
    expect(v.events).toBe(happyRun().length);
    expect(v.gaps).toBe(0);
    // the root row spans the run
    expect(step(v, '').durationMs).toBe(v.endedAt! - v.startedAt!);
  });

  it('shows skips with their reasons and the run badges', () => {
    const v = fold(skippedRun());
    expect([v.skipInstall, v.dryRun]).toEqual([true, true]);
    expect(step(v, P.install)).toMatchObject({ status: 'skipped', reason: 'skip_install' });
    expect(step(v, P.email)).toMatchObject({ status: 'skipped', reason: 'dry_run' });
    expect(v.summary?.notification.status).toBe('skipped');
  });

  it('tracks a retry: attempt n/m, next attempt time, the error, then success on attempt 2', () => {
    const { retrying, rest } = retryRun();
    const mid = fold(retrying);
    const cfg = step(mid, P.config);
    expect(cfg).toMatchObject({ status: 'retrying', attempt: 1, maxAttempts: 3 });
    expect(cfg.nextAttemptAt).toBe(Date.parse(retrying.at(-1)!.at) + 4000);
    expect(cfg.error).toEqual({ code: 'NETWORK', message: 'connect ECONNRESET 10.0.0.7:443', retryable: true });
    const end = fold(rest, mid);
    const done = step(end, P.config);
    expect(done).toMatchObject({ status: 'done', attempt: 2, nextAttemptAt: undefined, error: undefined });
    expect(done.attempts.map((a) => [a.attempt, a.status, a.error?.code])).toEqual([
      [1, 'retrying', 'NETWORK'],
      [2, 'done', undefined],
    ]);
  });

  it('names the failing step and its error', () => {
    const v = fold(failedRun());
    expect(v.status).toBe('failed');
    expect(v.failedStep).toBe(P.upload);
    expect(v.error).toEqual({ code: 'HTTP', message: 'PUT report.html: 403 Forbidden', retryable: false });
    expect(step(v, P.upload).status).toBe('failed');
    expect(step(v, '').status).toBe('failed');
    expect(v.logs.at(-1)).toMatchObject({ level: 'error', step: 'upload_report', text: 'upload failed status=403' });
  });

  it('ends a cancelled run with nothing left running', () => {
    const long = longInstall();
    const running = fold(long.running);
    expect(step(running, P.install).status).toBe('running');
    const b = scriptBuilder('run-x');
    b.run('started').step(P.prepare, 'running').step(P.ingest, 'running').run('cancelled', { exitCode: 1 });
    const v = fold(b.events);
    expect(v.status).toBe('cancelled');
    expect([step(v, P.prepare).status, step(v, P.ingest).status, step(v, '').status]).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(fold(long.cancelled(), running).steps.filter((s) => s.status === 'running')).toEqual([]);
  });

  it('strips escapes and control characters from every string it keeps', () => {
    const v = fold(hostileRun());
    const json = JSON.stringify(v);
    // JSON escapes control characters as \uXXXX: none may be in the view at all.
    expect(json).not.toMatch(/\\u00[01][0-9a-f]|\\u007f|[\u0080-\u009f]|\\[bfnrt]/i);
    expect(v.logs.map((l) => l.text)[0]).toBe('cleared your screen line=cleared your screen');
    expect(v.runId).toBe('run-hostile');
    expect(v.source).toBe('file:logs/*.log');
  });

  it('keeps a bounded log window, counts seq gaps, and ignores steps outside the diagram', () => {
    const b = scriptBuilder();
    b.run('started');
    for (let i = 0; i < LOG_WINDOW + 50; i++) b.log('info', `line ${i}`);
    b.step(P.install, 'running');
    const events = [...b.events];
    const gap = { ...events.at(-1)!, seq: events.at(-1)!.seq + 5 } as BusEvent;
    const alien = { ...events.at(-1)!, seq: gap.seq + 1, step: 'not/in/the/dag' } as BusEvent;
    const v = fold([...events, gap, alien]);
    expect(v.logs).toHaveLength(LOG_WINDOW);
    expect(v.logs.at(-1)!.text).toBe(`line ${LOG_WINDOW + 49}`);
    expect(v.logs[0].text).toBe('line 50');
    expect(v.gaps).toBe(1);
    expect(v.steps.map((s) => s.path)).toEqual(initialRunView().steps.map((s) => s.path));
  });

  it('marks a stream that ended (or failed) before the run did, but not one that ended after', () => {
    const long = longInstall();
    expect(endStream(fold(long.running)).streamEnded).toBe('completed');
    expect(endStream(fold(long.running), new Error('nats: \u001b[2Jgone'))).toMatchObject({ streamEnded: 'error', streamError: 'nats: gone' });
    expect(endStream(fold(happyRun())).streamEnded).toBeUndefined();
  });

  it('a batch folds to exactly what event-by-event folding gives, even with logs that scroll away', () => {
    const b = scriptBuilder('run-flood');
    b.run('started').step(P.prepare, 'running').step(P.ingest, 'running', { attempt: 1 });
    for (let i = 0; i < 3 * LOG_WINDOW; i++) {
      b.log(i % 7 === 0 ? 'warn' : 'info', `chunk ${i} \u001b[2Jread`, P.ingest, { i });
      if (i % 10 === 0) b.progress(P.ingest, 'lines', i * 100);
      if (i % 15 === 7) b.progress(P.ingest, 'bytes', i * 4096);
      if (i === 120) b.step(P.config, 'running');
    }
    const events = [...b.events];
    events.push({ ...events.at(-1)!, seq: events.at(-1)!.seq + 3 }); // a gap inside the batch
    const one = fold(events);
    for (const cut of [1, 37, 250, events.length]) {
      const batched = reduceRunViewBatch(reduceRunViewBatch(initialRunView(), events.slice(0, cut)), events.slice(cut));
      expect(batched).toEqual(one);
    }
    expect(one.logs).toHaveLength(LOG_WINDOW);
    expect(one.gaps).toBe(1);
  });
});
