import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import type { BusEvent } from '../../src/bus/events.js';
import type { Services } from '../../src/contracts.js';
import { STEP_PATHS } from '../../src/dag.js';
import { startRun } from '../../src/runtime.js';
import { runPipeline } from '../../src/index.js';
import { hanging, settingsIn, stubServices, tempDir, terminalOf } from './fixtures.js';

const steps: [keyof Services, string][] = [
  ['installPackages', 'install_packages'],
  ['ingestLogs', 'prepare_prerequisite/execute_cloudwatchLog_injetion'],
  ['downloadConfig', 'prepare_prerequisite/download_config_yaml'],
  ['executeLogAnomaly', 'execute_logAnomaly'],
  ['analyzeReport', 'report_postProcess/analyze_report'],
  ['sendNotificationEmails', 'report_postProcess/analyze_report/send_notification_emails'],
  ['uploadReport', 'report_postProcess/upload_report'],
];

describe('cancel', () => {
  for (const [service, path] of steps) {
    it(`CANCEL while ${path} runs aborts its signal and ends the run cancelled`, async () => {
      const dir = tempDir();
      const bus = createBus({ runId: 'c1' });
      const events: BusEvent[] = [];
      bus.events$.subscribe((e) => events.push(e));
      const h = hanging();
      const handle = startRun({
        settings: settingsIn(dir),
        params: { runId: 'c1', skipInstall: false, dryRun: false },
        bus,
        services: { ...stubServices(), [service]: h.fn },
      });
      const ctx = await h.started;
      expect(ctx.signal.aborted).toBe(false);
      handle.cancel('test cancel');
      const result = await handle.result;
      expect(ctx.signal.aborted).toBe(true);
      expect(result).toMatchObject({ status: 'cancelled', exitCode: 1 });
      expect(events.at(-1)).toMatchObject({ type: 'run', status: 'cancelled', exitCode: 1 });
      const terminal = terminalOf(events);
      for (const p of STEP_PATHS) expect(terminal.get(p)?.length, p).toBe(1);
      expect(terminal.get(path)![0]).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
      // Enclosing flows end cancelled too; steps never started end cancelled, not reached.
      for (const p of STEP_PATHS) {
        if (path.startsWith(p + '/')) expect(terminal.get(p)![0].status, p).toBe('cancelled');
      }
      const started = new Set(events.filter((e) => e.type === 'step' && e.status === 'running').map((e) => (e as { step: string }).step));
      expect(started.has(path)).toBe(true);
      for (const p of STEP_PATHS) {
        if (!started.has(p)) expect(terminal.get(p)![0], p).toMatchObject({ status: 'cancelled', reason: 'not reached' });
      }
    });
  }
});

describe('cancel before the first step starts', () => {
  it('ends cancelled, starts no service and sends no email', async () => {
    const dir = tempDir();
    const bus = createBus({ runId: 'c0' });
    const events: BusEvent[] = [];
    bus.events$.subscribe((e) => events.push(e));
    const calls: Parameters<typeof stubServices>[0] = [];
    const handle = startRun({ settings: settingsIn(dir), params: { runId: 'c0', skipInstall: false, dryRun: false }, bus, services: stubServices(calls) });
    handle.cancel('cancelled at once');
    const result = await handle.result;
    expect(result).toMatchObject({ status: 'cancelled', exitCode: 1 });
    expect(calls.map((c) => c.step)).toEqual([]);
    expect(events.filter((e) => e.type === 'step' && e.status === 'running')).toEqual([]);
    const terminal = terminalOf(events);
    expect(terminal.get('report_postProcess/analyze_report/send_notification_emails')![0]).toMatchObject({ status: 'cancelled', reason: 'not reached' });
    expect(events.at(-1)).toMatchObject({ type: 'run', status: 'cancelled', exitCode: 1 });
  });
});

describe('runPipeline (public API)', () => {
  it('resolves to the run result, streams events to onEvent, and an AbortSignal cancels', async () => {
    const dir = tempDir();
    const seen: BusEvent[] = [];
    const done = await runPipeline({ config: settingsIn(dir), runId: 'api-1', dryRun: true, services: stubServices(), onEvent: (e) => seen.push(e) });
    expect(done).toMatchObject({ runId: 'api-1', status: 'completed', exitCode: 0, summary: { notification: { status: 'skipped', reason: 'dry_run' } } });
    expect(seen[0]).toMatchObject({ type: 'run', status: 'started' });
    expect(seen.at(-1)).toMatchObject({ type: 'run', status: 'completed' });

    const ac = new AbortController();
    const h = hanging();
    const pending = runPipeline({ config: settingsIn(dir), runId: 'api-2', services: { ...stubServices(), executeLogAnomaly: h.fn }, signal: ac.signal });
    const ctx = await h.started;
    ac.abort();
    expect(await pending).toMatchObject({ status: 'cancelled', exitCode: 1 });
    expect(ctx.signal.aborted).toBe(true);
  });

  it('rejects a bad run id before starting anything', async () => {
    await expect(runPipeline({ config: settingsIn(tempDir()), runId: '../x' })).rejects.toThrow(/run id/);
  });
});
