/**
 * The root machine `log-anomaly-pipeline`, shaped like the original DAG:
 * install_packages → prepare_prerequisite (parallel child) → execute_logAnomaly →
 * report_postProcess (child: analyze_report (child) → upload_report). CANCEL from any state ends
 * it `cancelled`; leaving a state stops its invoked actors, which aborts their signals at any depth.
 */
import { assign, emit, setup, type AnyEventObject } from 'xstate';
import { StepId } from '../dag.js';
import type { DetectionConfigSource, DetectorSettings, LogFormat, LogSource, SmtpSettings, UploadSettings } from '../config/settings-types.js';
import type { DetectInput, DetectOutput, InstallInput, InstallOutput, RunParamsInput } from '../contracts.js';
import { flowEmits, taskEmits, type MachineEmitted } from './emitted.js';
import { flowActions, flowGuards, flowNode } from './flow.js';
import { postProcessMachine, type PostProcessInput } from './post-process.js';
import { prepareMachine, type PrepareInput } from './prepare.js';
import { retryActions, retryDelays, retryGuards, task, taskNode } from './task.js';
import { doneOutput, initialRetryContext, type Failure, type RetryContext, type RetryInput, type StepOutputs } from './types.js';

/** What upload_report publishes, by file name inside the run directory. */
export const REPORT_ARTIFACTS = ['report.json', 'report.md', 'report.html', 'anomalies.json', 'templates.csv'] as const;

export interface PipelineInput extends RetryInput {
  readonly params: RunParamsInput;
  readonly runDir: string;
  /** Directory relative paths in the settings resolve from. */
  readonly baseDir: string;
  readonly installCommands: readonly (readonly string[])[];
  readonly source: LogSource;
  readonly format: LogFormat;
  readonly detectionConfig: DetectionConfigSource;
  readonly detector: DetectorSettings;
  /** The mutes file (log-anomaly mute/accept): the detector learns accepted templates, analysis drops muted ones. */
  readonly mutesFile?: string;
  readonly smtp?: SmtpSettings;
  readonly upload: UploadSettings;
  /** Where report.html will be once uploaded: the report files (written before the upload) name it. */
  readonly plannedReportUri?: string;
}

export type PipelineOutcome = 'completed' | 'failed' | 'cancelled';

export interface PipelineContext extends RetryContext {
  readonly job: Omit<PipelineInput, keyof RetryInput>;
  readonly outcome?: PipelineOutcome;
  readonly cancelReason?: string;
}

export interface PipelineOutput {
  readonly status: PipelineOutcome;
  readonly outputs: StepOutputs;
  readonly failure?: Failure;
  readonly cancelReason?: string;
}

function postProcessInput(c: PipelineContext): PostProcessInput {
  const { job, outputs } = c;
  const ingest = doneOutput(outputs, 'execute_cloudwatchLog_injetion');
  const config = doneOutput(outputs, 'download_config_yaml');
  const detection = doneOutput(outputs, 'execute_logAnomaly');
  const { runId, dryRun } = job.params;
  return {
    policies: c.policies,
    random: c.random,
    resumed: c.outputs,
    analysis: {
      dryRun,
      analyze: {
        runDir: job.runDir,
        runId,
        dryRun,
        anomaliesFile: detection.anomaliesFile,
        config: config.config,
        configMeta: { version: config.version, origin: config.origin, etag: config.etag, revision: config.revision },
        ingest: { lines: ingest.lines, streams: ingest.streams, from: ingest.from, to: ingest.to, source: ingest.source },
        plannedReportUri: job.plannedReportUri,
        ...(job.mutesFile !== undefined ? { mutesFile: job.mutesFile } : {}),
      },
      email: {
        runDir: job.runDir,
        runId,
        subjectPrefix: config.config.notify.subjectPrefix,
        smtp: job.smtp,
        ...(job.params.resendUnknown ? { resendUnknown: true } : {}),
      },
    },
    upload: { runDir: job.runDir, runId, upload: job.upload, baseDir: job.baseDir, artifacts: REPORT_ARTIFACTS },
  };
}

/** Why CANCEL came (SIGINT, the TUI, a worker draining), as the run reports it. */
const cancelReason = (event: AnyEventObject): string => (typeof event.reason === 'string' ? event.reason : 'cancelled');

export const pipelineMachine = setup({
  // XState declares a machine's types with type-only values: these casts are its documented idiom.
  types: {
    input: {} as PipelineInput,
    context: {} as PipelineContext,
    output: {} as PipelineOutput,
    emitted: {} as MachineEmitted,
  },
  actors: {
    installPackages: task<InstallInput, InstallOutput>(),
    preparePrerequisite: prepareMachine,
    executeLogAnomaly: task<DetectInput, DetectOutput>(),
    reportPostProcess: postProcessMachine,
  },
  actions: {
    ...retryActions<PipelineContext>(),
    ...flowActions<PipelineContext>(),
    ...taskEmits<PipelineContext>(),
    ...flowEmits<PipelineContext>(),
    // `never`: this action spawns no actor, and never fits the machine's own actor set.
    settle: assign<PipelineContext, AnyEventObject, { outcome: PipelineOutcome }, AnyEventObject, never>((_, p) => ({ outcome: p.outcome })),
    noteCancel: assign(({ event }) => ({ cancelReason: cancelReason(event) })),
    emitCancelled: emit(({ event }) => ({ type: 'run.cancelled' as const, reason: cancelReason(event) })),
  },
  guards: {
    ...retryGuards<PipelineContext>(),
    ...flowGuards<PipelineContext>(),
    skipInstall: ({ context }) => context.job.params.skipInstall,
  },
  delays: retryDelays<PipelineContext>([StepId.installPackages, StepId.executeLogAnomaly]),
}).createMachine({
  id: 'log-anomaly-pipeline',
  context: ({ input }) => {
    const { policies: _p, random: _r, resumed: _s, ...job } = input;
    return { ...initialRetryContext(input), job };
  },
  initial: 'install',
  on: { CANCEL: { target: '.cancelled', actions: ['noteCancel', 'emitCancelled'] } },
  states: {
    install: taskNode({
      step: StepId.installPackages,
      path: StepId.installPackages,
      src: 'installPackages',
      input: ({ job }: PipelineContext): InstallInput => ({ commands: job.installCommands, cwd: job.baseDir }),
      next: '#prepare_prerequisite',
      fail: '#log-anomaly-pipeline.failed',
      skip: { guard: 'skipInstall', reason: 'skip_install' },
    }),
    prepare: flowNode({
      step: StepId.preparePrerequisite,
      path: StepId.preparePrerequisite,
      src: 'preparePrerequisite',
      input: (c: PipelineContext): PrepareInput => ({
        policies: c.policies,
        random: c.random,
        resumed: c.outputs,
        runDir: c.job.runDir,
        baseDir: c.job.baseDir,
        source: c.job.source,
        format: c.job.format,
        detectionConfig: c.job.detectionConfig,
      }),
      next: '#execute_logAnomaly',
      fail: '#log-anomaly-pipeline.failed',
    }),
    detect: taskNode({
      step: StepId.executeLogAnomaly,
      path: StepId.executeLogAnomaly,
      src: 'executeLogAnomaly',
      input: ({ job, outputs }: PipelineContext): DetectInput => ({
        runDir: job.runDir,
        eventsFile: doneOutput(outputs, 'execute_cloudwatchLog_injetion').eventsFile,
        config: doneOutput(outputs, 'download_config_yaml').config,
        detector: job.detector,
        ...(job.mutesFile !== undefined ? { mutesFile: job.mutesFile } : {}),
        baseDir: job.baseDir,
        format: job.format,
      }),
      next: '#report_postProcess',
      fail: '#log-anomaly-pipeline.failed',
    }),
    postProcess: flowNode({
      step: StepId.reportPostProcess,
      path: StepId.reportPostProcess,
      src: 'reportPostProcess',
      input: postProcessInput,
      next: '#log-anomaly-pipeline.completed',
      fail: '#log-anomaly-pipeline.failed',
    }),
    completed: { type: 'final', entry: { type: 'settle', params: { outcome: 'completed' } } },
    failed: { type: 'final', entry: { type: 'settle', params: { outcome: 'failed' } } },
    cancelled: { type: 'final', entry: { type: 'settle', params: { outcome: 'cancelled' } } },
  },
  output: ({ context }) => ({
    status: context.outcome ?? 'failed',
    outputs: context.outputs,
    ...(context.failure ? { failure: context.failure } : {}),
    ...(context.cancelReason ? { cancelReason: context.cancelReason } : {}),
  }),
});
