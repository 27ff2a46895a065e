import { describe, expect, it } from 'vitest';
import { pipelineMachine, REPORT_ARTIFACTS } from '../../src/machines/index.js';
import { STEP_PATHS } from '../../src/dag.js';
import { eventTypes, flowOutcomes, policies, POLICY, random, retryable, runModel, taskOutputs, uncovered, type ModelRun } from './model.js';

const input = (skipInstall: boolean, dryRun: boolean) => ({
  policies,
  random,
  params: { runId: 'r1', skipInstall, dryRun },
  runDir: '/run/r1',
  baseDir: '/base',
  installCommands: [['node', '--version']],
  source: { type: 'file', paths: ['logs/*.log'] },
  format: { type: 'raw' },
  detectionConfig: { location: 'config.yaml' },
  detector: { type: 'builtin' },
  upload: { type: 'local', dir: '/up' },
  plannedReportUri: 'file:///up/r1/report.html',
});

const taskPath: Record<string, string> = { installPackages: 'install_packages', executeLogAnomaly: 'execute_logAnomaly' };

/**
 * How the run must end, from the path's events and the specification (README, "The pipeline";
 * spec.ts), not from the state the machine's own graph reached: the last event decides. CANCEL
 * cancels; an error or timeout fails the run at that step, which is only allowed once the error is
 * not retryable or the step's attempts are spent; a flow reporting a failure fails at its step; the
 * post-processing flow finishing completes the run.
 */
function expectedEnd(run: ModelRun): { status: string; step?: string } {
  const events = run.path.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init');
  const last = events.at(-1)!;
  if (last.type === 'CANCEL') return { status: 'cancelled' };
  const timeout = /\.timeout_([A-Za-z_]+)\./.exec(last.type);
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(last.type);
  const tries = (id: string, step: string) =>
    events.filter((e) => e.type === `xstate.error.actor.${id}` || e.type.includes(`.timeout_${step}.`)).length;
  if (timeout) {
    const step = timeout[1];
    const id = Object.keys(taskPath).find((k) => taskPath[k] === step)!;
    expect(tries(id, step), 'a timeout ends the run only when attempts are spent').toBe(POLICY.attempts);
    return { status: 'failed', step };
  }
  if (!m) return { status: '?' };
  const id = m[2];
  if (m[1] === 'error') {
    if (flowOutcomes[id]) return { status: 'failed', step: id === 'preparePrerequisite' ? 'prepare_prerequisite' : 'report_postProcess' };
    if (last.error === retryable) expect(tries(id, taskPath[id]), 'a retryable error ends the run only when attempts are spent').toBe(POLICY.attempts);
    return { status: 'failed', step: taskPath[id] };
  }
  if (last.output?.failure) return { status: 'failed', step: last.output.failure.step };
  return { status: id === 'reportPostProcess' ? 'completed' : '?' };
}

describe('log-anomaly-pipeline root machine (model-based)', () => {
  const all: ModelRun[] = [];
  for (const skipInstall of [false, true]) {
    for (const dryRun of [false, true]) {
      it(`skipInstall=${skipInstall} dryRun=${dryRun}: failures at each step, retries, timeouts and CANCEL end where the model says`, async () => {
        const runs = await runModel(pipelineMachine, input(skipInstall, dryRun), 'shortest');
        all.push(...runs);
        const finals = new Set(runs.map((r) => r.path.state.value));
        expect([...finals].sort()).toEqual(['cancelled', 'completed', 'failed']);
        for (const run of runs) {
          const { path, replay } = run;
          const why = eventTypes(path).join(' > ');
          const out = replay.snapshot.output;
          const end = expectedEnd(run);
          expect(out.status, why).toBe(end.status);
          expect(replay.snapshot.value, why).toBe(end.status);
          expect(replay.leftover, why).toBe(0);
          if (skipInstall) expect(replay.log, why).not.toContain('start:installPackages');
          // Whatever was started has ended: done, failed, or aborted (timeout, cancel).
          for (const id of new Set(replay.log.filter((l) => l.startsWith('start:')).map((l) => l.slice(6)))) {
            const starts = replay.log.filter((l) => l === `start:${id}`).length;
            const ends = replay.log.filter((l) => /^(done|error|aborted):/.test(l) && l.endsWith(`:${id}`)).length;
            expect(ends, `${why}: ${id}`).toBe(starts);
          }
          // A timeout really aborts the work in flight.
          const timeouts = path.steps.filter((s: any) => s.event.type.includes('.timeout_')).length;
          expect(replay.log.filter((l) => l.startsWith('aborted:')).length, why).toBeGreaterThanOrEqual(timeouts);
          if (out.status === 'failed') {
            expect(STEP_PATHS, why).toContain(out.failure.step);
            expect(out.failure.step, why).toBe(end.step);
          } else expect(out.failure, why).toBeUndefined();
          if (out.status === 'cancelled') expect(path.steps.at(-1)!.event.type, why).toBe('CANCEL');
          // Data flow: detection reads the ingested events with the config; post-processing gets all of it.
          const detect = replay.inputs.executeLogAnomaly?.[0] as any;
          if (detect) {
            expect(detect.input, why).toMatchObject({ eventsFile: taskOutputs.ingestLogs.eventsFile, config: taskOutputs.downloadConfig.config, format: { type: 'raw' } });
          }
          const post = replay.inputs.reportPostProcess?.[0] as any;
          if (post) {
            expect(post.analysis.dryRun, why).toBe(dryRun);
            expect(post.analysis.analyze, why).toMatchObject({ anomaliesFile: taskOutputs.executeLogAnomaly.anomaliesFile, dryRun, plannedReportUri: 'file:///up/r1/report.html', configMeta: { version: '7' } });
            // The email links what the upload produced, not a planned URI (analyze.model.test.ts).
            expect(post.analysis.email, why).toMatchObject({ subjectPrefix: '[x]' });
            expect(post.analysis.email.reportUri, why).toBeUndefined();
            expect(post.upload.artifacts, why).toEqual(REPORT_ARTIFACTS);
          }
          if (out.status === 'completed') expect(out.outputs.upload_report, why).toEqual(taskOutputs.uploadReport);
        }
      });
    }
  }

  it('a resumed run skips install and detection when an earlier execution finished them', async () => {
    const runs = await runModel(pipelineMachine, { ...input(false, false), resumed: { install_packages: taskOutputs.installPackages, execute_logAnomaly: taskOutputs.executeLogAnomaly } }, 'shortest');
    all.push(...runs);
    for (const { path, replay } of runs) {
      const why = eventTypes(path).join(' > ');
      expect(replay.log, why).not.toContain('start:installPackages');
      expect(replay.log, why).not.toContain('start:executeLogAnomaly');
      // The child flows get the finished outputs too, so their own finished steps are skipped.
      const prep = replay.inputs.preparePrerequisite?.[0] as any;
      if (prep) expect(prep.resumed.install_packages, why).toEqual(taskOutputs.installPackages);
    }
    expect(runs.some((r) => r.replay.snapshot.output.status === 'completed')).toBe(true);
  });

  it('covers every state and every transition of the root', () => {
    const u = uncovered(pipelineMachine, all);
    expect(u.states).toEqual([]);
    expect(u.transitions).toEqual([]);
    expect(u.totalTransitions).toBeGreaterThan(25);
  });
});
