import { describe, expect, it } from 'vitest';
import { STEP_PATHS } from '../../src/dag.js';
import { analyzeMachine, backoffMs, pipelineMachine, postProcessMachine, prepareMachine } from '../../src/machines/index.js';
import { allNodes } from './model.js';

describe('machine structure', () => {
  it('state meta names every DAG step once per role, with original names and paths', () => {
    const metas = [pipelineMachine, prepareMachine, postProcessMachine, analyzeMachine]
      .flatMap((m) => allNodes(m))
      .map((n: any) => n.meta)
      .filter((m) => m?.path);
    expect(new Set(metas.map((m) => m.path))).toEqual(new Set(STEP_PATHS));
    for (const m of metas) expect(m.path.split('/').at(-1)).toBe(m.step);
    // Flows are the states invoking child machines; the skips are reported states with reasons.
    expect(metas.filter((m) => m.role === 'flow').map((m) => m.path).sort()).toEqual(['prepare_prerequisite', 'report_postProcess', 'report_postProcess/analyze_report']);
    const skips = metas.filter((m) => m.status === 'skipped').map((m) => `${m.step}:${m.reason}`);
    const resumed = STEP_PATHS.map((p) => p.split('/').at(-1)!).filter((s) => !['prepare_prerequisite', 'report_postProcess'].includes(s)).map((s) => `${s}:resumed`);
    expect(skips.sort()).toEqual(['install_packages:skip_install', 'send_notification_emails:dry_run', ...resumed].sort());
  });

  it('each task reports running, retrying, done and failed from its own states (analyze_report: done from its flow)', () => {
    const metas = [pipelineMachine, prepareMachine, postProcessMachine, analyzeMachine]
      .flatMap((m) => allNodes(m))
      .map((n: any) => n.meta)
      .filter((m) => m?.role === 'task');
    const byStep = new Map<string, string[]>();
    for (const m of metas) byStep.set(m.path, [...(byStep.get(m.path) ?? []), m.reason ? `${m.status}:${m.reason}` : m.status]);
    const tasks = STEP_PATHS.filter((p) => !['prepare_prerequisite', 'report_postProcess', 'report_postProcess/analyze_report'].includes(p));
    const own = ['done', 'failed', 'retrying', 'running', 'skipped:resumed'];
    const want: Record<string, string[]> = Object.fromEntries(tasks.map((p) => [p, own]));
    want.install_packages = [...own, 'skipped:skip_install'].sort();
    want['report_postProcess/analyze_report/send_notification_emails'] = [...own, 'skipped:dry_run'].sort();
    want['report_postProcess/analyze_report'] = own.filter((s) => s !== 'done');
    expect(Object.fromEntries([...byStep].map(([k, v]) => [k, v.sort()]))).toEqual(want);
    // Tasks are the leaves: a task state names itself, never a child machine.
    for (const m of metas) expect(m.path.split('/').at(-1)).toBe(m.step);
  });

  it('machine ids are the original flow names', () => {
    expect([pipelineMachine.id, prepareMachine.id, postProcessMachine.id, analyzeMachine.id]).toEqual([
      'log-anomaly-pipeline',
      'prepare_prerequisite',
      'report_postProcess',
      'analyze_report',
    ]);
  });
});

describe('backoffMs', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 1 };
  it('is the retry module backoff: doubling per attempt up to the cap, fully jittered', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(policy, a, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(policy, a, () => 0))).toEqual([0, 0, 0, 0, 0]);
    expect(backoffMs(policy, 2, () => 0.5)).toBe(100);
  });
});
