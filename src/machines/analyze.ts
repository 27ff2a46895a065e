/**
 * `analyze_report`: the analysis, then `send_notification_emails` unless the run is dry (then it
 * passes through a reported `skipped` state with reason `dry_run`; the email actor never starts).
 */
import { setup } from 'xstate';
import { StepId } from '../dag.js';
import type { AnalyzeInput, AnalyzeOutput, EmailInput, EmailOutput } from '../contracts.js';
import { flowOutput } from './flow.js';
import { retryActions, retryDelays, retryGuards, task, taskNode } from './task.js';
import { initialRetryContext, type FlowOutput, type RetryContext, type RetryInput } from './types.js';

export const ANALYZE_PATH = `${StepId.reportPostProcess}/${StepId.analyzeReport}`;

export interface AnalyzeFlowInput extends RetryInput {
  readonly dryRun: boolean;
  readonly analyze: AnalyzeInput;
  /** The email's input but the analysis, which comes from the step before it. */
  readonly email: Omit<EmailInput, 'analysis'>;
}

export interface AnalyzeFlowContext extends RetryContext {
  readonly dryRun: boolean;
  readonly analyze: AnalyzeInput;
  readonly email: Omit<EmailInput, 'analysis'>;
}

export const analyzeMachine = setup({
  types: { input: {} as AnalyzeFlowInput, context: {} as AnalyzeFlowContext, output: {} as FlowOutput },
  actors: {
    analyzeReport: task<AnalyzeInput, AnalyzeOutput>(),
    sendNotificationEmails: task<EmailInput, EmailOutput>(),
  },
  actions: retryActions<AnalyzeFlowContext>(),
  guards: { ...retryGuards<AnalyzeFlowContext>(), isDryRun: ({ context }) => context.dryRun },
  delays: retryDelays<AnalyzeFlowContext>([StepId.analyzeReport, StepId.sendNotificationEmails]),
}).createMachine({
  id: 'analyze_report',
  context: ({ input }) => ({ ...initialRetryContext(input), dryRun: input.dryRun, analyze: input.analyze, email: input.email }),
  initial: 'analysis',
  states: {
    analysis: taskNode<AnalyzeFlowContext>({
      id: 'analysis',
      step: StepId.analyzeReport,
      path: ANALYZE_PATH,
      src: 'analyzeReport',
      input: (c) => c.analyze,
      next: '#send_notification_emails',
      fail: '#analyze_report.failed',
      // The enclosing flow state (same path) reports done once the emails are through too.
      reportsDone: false,
    }),
    notify: taskNode<AnalyzeFlowContext>({
      step: StepId.sendNotificationEmails,
      path: `${ANALYZE_PATH}/${StepId.sendNotificationEmails}`,
      src: 'sendNotificationEmails',
      input: (c): EmailInput => ({ ...c.email, analysis: c.outputs.analyze_report! }),
      next: '#analyze_report.done',
      fail: '#analyze_report.failed',
      skip: { guard: 'isDryRun', reason: 'dry_run' },
    }),
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: flowOutput,
});
