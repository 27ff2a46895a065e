/**
 * Context shared by every pipeline machine: the retry bookkeeping the task builder needs, and the
 * outputs of finished steps keyed by their original names (so data flow and events use one map).
 */
import type { RetryableStep } from '../dag.js';
import type { ErrorInfo } from '../errors.js';
import type { RetryPolicy } from '../config/settings-types.js';
import type {
  AnalyzeOutput,
  DetectOutput,
  DownloadConfigOutput,
  EmailOutput,
  IngestOutput,
  InstallOutput,
  UploadOutput,
} from '../contracts.js';

export type RetryPolicies = Readonly<Record<RetryableStep, RetryPolicy>>;

/** What finished steps produced, keyed by original step name. */
export interface StepOutputs {
  readonly install_packages?: InstallOutput;
  readonly execute_cloudwatchLog_injetion?: IngestOutput;
  readonly download_config_yaml?: DownloadConfigOutput;
  readonly execute_logAnomaly?: DetectOutput;
  readonly analyze_report?: AnalyzeOutput;
  readonly send_notification_emails?: EmailOutput;
  readonly upload_report?: UploadOutput;
}

/** The step that failed a run (DAG path) and why. */
export interface Failure {
  readonly step: string;
  readonly error: ErrorInfo;
}

/** Every machine's input carries these; the runtime passes them down to child machines. */
export interface RetryInput {
  readonly policies: RetryPolicies;
  /** Jitter source in [0, 1); injectable so tests are deterministic. Default Math.random. */
  readonly random?: () => number;
  /** Outputs of steps an earlier execution of this run finished: those steps are skipped (`resumed`). */
  readonly resumed?: StepOutputs;
}

export interface RetryContext {
  readonly policies: RetryPolicies;
  readonly random: () => number;
  /** Attempts started so far, per step (1-based once running). */
  readonly attempts: Partial<Record<RetryableStep, number>>;
  /** The backoff chosen before the next attempt, per step. */
  readonly retryInMs: Partial<Record<RetryableStep, number>>;
  /** The last error of each step (shown while retrying, and when it fails). */
  readonly errors: Partial<Record<RetryableStep, ErrorInfo>>;
  readonly outputs: StepOutputs;
  readonly failure?: Failure;
}

/** What a child flow machine ends with: its steps' outputs, or the failure that stopped it. */
export interface FlowOutput {
  readonly outputs: StepOutputs;
  readonly failure?: Failure;
}

/** What a task actor receives: the service input plus the attempt number (services may resume). */
export interface TaskInput<I> {
  readonly input: I;
  readonly attempt: number;
}

export function initialRetryContext(input: RetryInput): RetryContext {
  return { policies: input.policies, random: input.random ?? Math.random, attempts: {}, retryInMs: {}, errors: {}, outputs: input.resumed ?? {} };
}

/**
 * The output of a step the DAG ran before this one (instead of a `!`): a missing one is a bug in a
 * machine's graph, so it throws and the invoking state fails with the step named.
 */
export function doneOutput<K extends keyof StepOutputs>(outputs: StepOutputs, step: K): NonNullable<StepOutputs[K]> {
  const output = outputs[step];
  if (output === undefined || output === null) throw new Error(`${step} has no output: the DAG runs it before this step`);
  return output;
}
