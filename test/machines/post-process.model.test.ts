import { describe, expect, it } from 'vitest';
import { postProcessMachine } from '../../src/machines/index.js';
import { eventTypes, flowOutcomes, policies, random, runModel, taskOutputs, uncovered } from './model.js';

const upload = { runDir: '/run', runId: 'r1', upload: { type: 'local', dir: '/up' }, baseDir: '/b', artifacts: ['report.html'] };
const input = { policies, random, analysis: { dryRun: false, analyze: {}, email: {} }, upload };

describe('report_postProcess machine (model-based)', () => {
  it('hands the upload to analyze_report (which files the report before the emails) and ends with its outcome', async () => {
    const runs = await runModel(postProcessMachine, input, 'simple');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const { path, replay } of runs) {
      const why = eventTypes(path).join(' > ');
      expect(replay.leftover, why).toBe(0);
      expect((replay.inputs.analyzeReportFlow[0] as any).upload, why).toEqual(upload);
      // The flow reports a failed step, or crashes (then the flow itself is the failed step).
      const reported = path.steps.some((s: any) => s.event.output?.failure);
      const crashed = replay.log.includes('error:analyzeReportFlow');
      expect(replay.snapshot.value, why).toBe(reported || crashed ? 'failed' : 'done');
      if (reported) expect(replay.snapshot.output.failure.step, why).toBe(flowOutcomes.analyzeReportFlow.failedStep);
      else if (crashed) expect(replay.snapshot.output.failure.step, why).toBe('report_postProcess/analyze_report');
      else expect(replay.snapshot.output.outputs, why).toEqual(flowOutcomes.analyzeReportFlow.ok.outputs);
    }
    // Resumed: what an earlier execution finished is handed down, so the child skips those steps.
    const resumed = await runModel(postProcessMachine, { ...input, resumed: { upload_report: taskOutputs.uploadReport } }, 'simple');
    for (const { replay } of resumed) expect((replay.inputs.analyzeReportFlow[0] as any).resumed.upload_report).toEqual(taskOutputs.uploadReport);
    const u = uncovered(postProcessMachine, [...runs, ...resumed]);
    expect(u.states).toEqual([]);
    expect(u.transitions).toEqual([]);
  });
});
