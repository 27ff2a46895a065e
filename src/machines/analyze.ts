/**
 * `analyze_report`: the analysis, then `upload_report`, then `send_notification_emails` unless the
 * run is dry (then it passes through a reported `skipped` state with reason `dry_run`; the email
 * actor never starts).
 *
 * Why upload_report runs in here, before the emails, when the original flow uploaded last: a
 * report must never be lost to a notification (an SMTP outage used to cancel the upload), and an
 * email must link only to a report that exists. So the upload goes first; its failure does not
 * stop the emails (people still hear about the incident, told the report could not be filed), and
 * the run then ends failed at upload_report. Events keep the original paths
 * (`report_postProcess/upload_report`), so the DAG people see is unchanged.
 */
import { setup } from 'xstate';
import { StepId } from '../dag.js';
import type { AnalyzeInput, AnalyzeOutput, EmailInput, EmailOutput, UploadInput, UploadOutput } from '../contracts.js';
import { taskEmits, type MachineEmitted } from './emitted.js';
import { flowOutput } from './flow.js';
import { retryActions, retryDelays, retryGuards, task, taskNode } from './task.js';
import { doneOutput, initialRetryContext, type FlowOutput, type RetryContext, type RetryInput } from './types.js';

export const ANALYZE_PATH = `${StepId.reportPostProcess}/${StepId.analyzeReport}`;
export const UPLOAD_PATH = `${StepId.reportPostProcess}/${StepId.uploadReport}`;

/** The email's input but what the steps before it produce: the analysis and the uploaded report's link. */
export type EmailJob = Omit<EmailInput, 'analysis' | 'reportUri'>;

export interface AnalyzeFlowInput extends RetryInput {
  readonly dryRun: boolean;
  readonly analyze: AnalyzeInput;
  readonly upload: UploadInput;
  readonly email: EmailJob;
}

export interface AnalyzeFlowContext extends RetryContext {
  readonly dryRun: boolean;
  readonly analyze: AnalyzeInput;
  readonly upload: UploadInput;
  readonly email: EmailJob;
}

export const analyzeMachine = setup({
  // XState declares a machine's types with type-only values: these casts are its documented idiom.
  types: { input: {} as AnalyzeFlowInput, context: {} as AnalyzeFlowContext, output: {} as FlowOutput, emitted: {} as MachineEmitted },
  actors: {
    analyzeReport: task<AnalyzeInput, AnalyzeOutput>(),
    uploadReport: task<UploadInput, UploadOutput>(),
    sendNotificationEmails: task<EmailInput, EmailOutput>(),
  },
  actions: { ...retryActions<AnalyzeFlowContext>(), ...taskEmits<AnalyzeFlowContext>() },
  guards: { ...retryGuards<AnalyzeFlowContext>(), isDryRun: ({ context }) => context.dryRun },
  delays: retryDelays<AnalyzeFlowContext>([StepId.analyzeReport, StepId.uploadReport, StepId.sendNotificationEmails]),
}).createMachine({
  id: 'analyze_report',
  context: ({ input }) => ({ ...initialRetryContext(input), dryRun: input.dryRun, analyze: input.analyze, upload: input.upload, email: input.email }),
  initial: 'analysis',
  states: {
    analysis: taskNode({
      id: 'analysis',
      step: StepId.analyzeReport,
      path: ANALYZE_PATH,
      src: 'analyzeReport',
      input: (c: AnalyzeFlowContext) => c.analyze,
      next: '#upload_report',
      fail: '#analyze_report.failed',
      // The enclosing flow state (same path) reports done once the emails are through too.
      reportsDone: false,
    }),
    upload: taskNode({
      step: StepId.uploadReport,
      path: UPLOAD_PATH,
      src: 'uploadReport',
      input: (c: AnalyzeFlowContext) => c.upload,
      next: '#send_notification_emails',
      // A failed upload is recorded (the run ends failed) but people are still told.
      fail: '#send_notification_emails',
    }),
    notify: taskNode({
      step: StepId.sendNotificationEmails,
      path: `${ANALYZE_PATH}/${StepId.sendNotificationEmails}`,
      src: 'sendNotificationEmails',
      input: (c: AnalyzeFlowContext): EmailInput => {
        const uploaded = c.outputs.upload_report;
        const link = uploaded?.link ?? uploaded?.uri;
        return { ...c.email, analysis: doneOutput(c.outputs, 'analyze_report'), ...(link !== undefined ? { reportUri: link } : {}) };
      },
      next: '#analyze_report.done',
      fail: '#analyze_report.failed',
      skip: { guard: 'isDryRun', reason: 'dry_run' },
    }),
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: flowOutput,
});
