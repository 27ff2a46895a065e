/**
 * `report_postProcess`: the `analyze_report` child machine, which analyses, uploads the report
 * (`upload_report`) and then notifies: see analyze.ts for why the upload moved before the emails.
 */
import { setup } from 'xstate';
import { StepId } from '../dag.js';
import type { UploadInput } from '../contracts.js';
import { analyzeMachine, ANALYZE_PATH, type AnalyzeFlowInput } from './analyze.js';
import { flowEmits, type MachineEmitted } from './emitted.js';
import { flowActions, flowGuards, flowNode, flowOutput } from './flow.js';
import { retryActions, retryGuards } from './task.js';
import { initialRetryContext, type FlowOutput, type RetryContext, type RetryInput } from './types.js';

export interface PostProcessInput extends RetryInput {
  readonly analysis: Omit<AnalyzeFlowInput, keyof RetryInput | 'upload'>;
  readonly upload: UploadInput;
}

export interface PostProcessContext extends RetryContext {
  readonly analysis: Omit<AnalyzeFlowInput, keyof RetryInput | 'upload'>;
  readonly upload: UploadInput;
}

export const postProcessMachine = setup({
  // XState declares a machine's types with type-only values: these casts are its documented idiom.
  types: { input: {} as PostProcessInput, context: {} as PostProcessContext, output: {} as FlowOutput, emitted: {} as MachineEmitted },
  actors: {
    analyzeReportFlow: analyzeMachine,
  },
  actions: { ...retryActions<PostProcessContext>(), ...flowActions<PostProcessContext>(), ...flowEmits<PostProcessContext>() },
  guards: { ...retryGuards<PostProcessContext>(), ...flowGuards<PostProcessContext>() },
}).createMachine({
  id: 'report_postProcess',
  context: ({ input }) => ({ ...initialRetryContext(input), analysis: input.analysis, upload: input.upload }),
  initial: 'analyze',
  states: {
    analyze: flowNode({
      step: StepId.analyzeReport,
      path: ANALYZE_PATH,
      src: 'analyzeReportFlow',
      input: (c: PostProcessContext): AnalyzeFlowInput => ({ ...c.analysis, upload: c.upload, policies: c.policies, random: c.random, resumed: c.outputs }),
      next: '#report_postProcess.done',
      fail: '#report_postProcess.failed',
      output: 'analyze_report',
      // The analysis task inside reports running, with its attempts (the flow reports done, after the emails).
      reportsRunning: false,
    }),
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: flowOutput,
});
