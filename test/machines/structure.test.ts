import { describe, expect, it } from 'vitest';
import { STEP_PATHS } from '../../src/dag.js';
import { analyzeMachine, backoffMs, pipelineMachine, postProcessMachine, prepareMachine } from '../../src/machines/index.js';
import { allNodes } from './model.js';

describe('machine structure', () => {
  /** Every emit a state or transition declares, as `action:path[:reason]`, from the machines' definitions. */
  const declared = () => {
    const out: string[] = [];
    const add = (a: any) => {
      if (typeof a?.type === 'string' && a.type.startsWith('emit') && a.params?.path) out.push([a.type, a.params.path, a.params.reason].filter(Boolean).join(':'));
    };
    for (const n of [pipelineMachine, prepareMachine, postProcessMachine, analyzeMachine].flatMap((m) => allNodes(m)) as any[]) {
      n.entry.forEach(add);
      for (const ts of n.transitions.values()) for (const t of ts) t.actions.forEach(add);
      for (const t of n.always ?? []) t.actions.forEach(add);
    }
    return out;
  };

  it('the machines announce every DAG step by its path, and no other', () => {
    const paths = new Set(declared().map((d) => d.split(':')[1]));
    expect(paths).toEqual(new Set(STEP_PATHS));
    // Flows are the states invoking child machines; skips say why.
    const flows = declared().filter((d) => d.startsWith('emitFlow'));
    expect([...new Set(flows.map((d) => d.split(':')[1]))].sort()).toEqual(['prepare_prerequisite', 'report_postProcess', 'report_postProcess/analyze_report']);
    const skips = declared().filter((d) => d.startsWith('emitSkipped')).map((d) => `${d.split(':')[1].split('/').at(-1)}:${d.split(':')[2]}`);
    const resumed = STEP_PATHS.map((p) => p.split('/').at(-1)!).filter((s) => !['prepare_prerequisite', 'report_postProcess'].includes(s)).map((s) => `${s}:resumed`);
    expect(skips.sort()).toEqual(['install_packages:skip_install', 'send_notification_emails:dry_run', ...resumed].sort());
  });

  it('each task says running, retrying, done and failed from its own states (analyze_report: running from its task, done from its flow)', () => {
    const byPath = new Map<string, Set<string>>();
    for (const d of declared()) {
      const [action, path] = d.split(':') as [string, string];
      byPath.set(path, (byPath.get(path) ?? new Set()).add(action));
    }
    const own = ['emitDone', 'emitFailed', 'emitRetrying', 'emitRunning', 'emitSkipped'];
    const tasks = STEP_PATHS.filter((p) => !['prepare_prerequisite', 'report_postProcess', 'report_postProcess/analyze_report'].includes(p));
    const want: Record<string, string[]> = Object.fromEntries(tasks.map((p) => [p, own]));
    want.prepare_prerequisite = ['emitFlowDone', 'emitFlowFailed', 'emitFlowRunning'];
    want.report_postProcess = ['emitFlowDone', 'emitFlowFailed', 'emitFlowRunning'];
    want['report_postProcess/analyze_report'] = ['emitFailed', 'emitFlowDone', 'emitFlowFailed', 'emitRetrying', 'emitRunning', 'emitSkipped'];
    expect(Object.fromEntries([...byPath].map(([k, v]) => [k, [...v].sort()]))).toEqual(want);
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
