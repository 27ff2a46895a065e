import { describe, expect, it } from 'vitest';
import { postProcessMachine } from '../../src/machines/index.js';
import { eventTypes, policies, random, runModel, taskOutputs, uncovered } from './model.js';

const upload = { runDir: '/run', runId: 'r1', upload: { type: 'local', dir: '/up' }, baseDir: '/b', artifacts: ['report.html'] };
const input = { policies, random, analysis: { dryRun: false, analyze: {}, email: {} }, upload };

describe('report_postProcess machine (model-based)', () => {
  it('uploads only after a successful analysis flow; covers every state and transition', async () => {
    const runs = await runModel(postProcessMachine, input, 'simple');
    expect(runs.length).toBeGreaterThan(8);
    for (const { path, replay } of runs) {
      const why = eventTypes(path).join(' > ');
      expect(replay.snapshot.value, why).toEqual(path.state.value);
      expect(replay.leftover, why).toBe(0);
      const upload = replay.log.indexOf('start:uploadReport');
      const analysisOk = replay.log.indexOf('done:analyzeReportFlow');
      const analysisFailed = path.steps.some((s: any) => s.event.type === 'xstate.done.actor.analyzeReportFlow' && s.event.output.failure);
      if (upload >= 0) {
        expect(analysisFailed, why).toBe(false);
        expect(analysisOk, why).toBeGreaterThanOrEqual(0);
        expect(analysisOk, why).toBeLessThan(upload);
        expect(replay.inputs.uploadReport![0], why).toEqual({ input: input.upload, attempt: 1 });
      }
      if (analysisFailed) expect(replay.snapshot.output.failure.step, why).toBe('report_postProcess/analyze_report/send_notification_emails');
      if (path.state.value === 'done') expect(replay.snapshot.output.outputs.upload_report, why).toEqual(taskOutputs.uploadReport);
    }
    const u = uncovered(postProcessMachine, runs);
    expect(u.states).toEqual([]);
    expect(u.transitions).toEqual([]);
  });
});
