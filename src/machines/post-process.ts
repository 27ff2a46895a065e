/** `report_postProcess`: `analyze_report` (a child machine), then `upload_report`. */
import { setup } from 'xstate';
import { StepId } from '../dag.js';
import type { UploadInput, UploadOutput } from '../contracts.js';
import { analyzeMachine, ANALYZE_PATH, type AnalyzeFlowInput } from './analyze.js';
import { flowActions, flowGuards, flowNode, flowOutput } from './flow.js';
import { retryActions, retryDelays, retryGuards, task, taskNode } from './task.js';
import { initialRetryContext, type FlowOutput, type RetryContext, type RetryInput } from './types.js';

export const POST_PATH = StepId.reportPostProcess;

export interface PostProcessInput extends RetryInput {
  readonly analysis: Omit<AnalyzeFlowInput, keyof RetryInput>;
  readonly upload: UploadInput;
}

export interface PostProcessContext extends RetryContext {
  readonly analysis: Omit<AnalyzeFlowInput, keyof RetryInput>;
  readonly upload: UploadInput;
}

export const postProcessMachine = setup({
  types: { input: {} as PostProcessInput, context: {} as PostProcessContext, output: {} as FlowOutput },
  actors: {
    analyzeReportFlow: analyzeMachine,
    uploadReport: task<UploadInput, UploadOutput>(),
  },
  actions: { ...retryActions<PostProcessContext>(), ...flowActions<PostProcessContext>() },
  guards: { ...retryGuards<PostProcessContext>(), ...flowGuards<PostProcessContext>() },
  delays: retryDelays<PostProcessContext>([StepId.uploadReport]),
}).createMachine({
  id: 'report_postProcess',
  context: ({ input }) => ({ ...initialRetryContext(input), analysis: input.analysis, upload: input.upload }),
  initial: 'analyze',
  states: {
    analyze: flowNode<PostProcessContext>({
      step: StepId.analyzeReport,
      path: ANALYZE_PATH,
      src: 'analyzeReportFlow',
      input: (c): AnalyzeFlowInput => ({ ...c.analysis, policies: c.policies, random: c.random }),
      next: '#upload_report',
      fail: '#report_postProcess.failed',
    }),
    upload: taskNode<PostProcessContext>({
      step: StepId.uploadReport,
      path: `${POST_PATH}/${StepId.uploadReport}`,
      src: 'uploadReport',
      input: (c) => c.upload,
      next: '#report_postProcess.done',
      fail: '#report_postProcess.failed',
    }),
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: flowOutput,
});
