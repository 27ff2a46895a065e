/**
 * `prepare_prerequisite`: log ingestion and the detection config, in parallel; done only when
 * both are, failed as soon as either fails (leaving the parallel state aborts the other).
 */
import { setup } from 'xstate';
import { StepId } from '../dag.js';
import type { DetectionConfigSource, LogFormat, LogSource } from '../config/settings-types.js';
import type { DownloadConfigInput, DownloadConfigOutput, IngestInput, IngestOutput } from '../contracts.js';
import { taskEmits, type MachineEmitted } from './emitted.js';
import { flowOutput } from './flow.js';
import { retryActions, retryDelays, retryGuards, task, taskNode } from './task.js';
import { initialRetryContext, type FlowOutput, type RetryContext, type RetryInput } from './types.js';

export const PREPARE_PATH = StepId.preparePrerequisite;

export interface PrepareInput extends RetryInput {
  readonly runDir: string;
  readonly baseDir: string;
  readonly source: LogSource;
  readonly format: LogFormat;
  readonly detectionConfig: DetectionConfigSource;
}

export interface PrepareContext extends RetryContext {
  readonly job: Omit<PrepareInput, keyof RetryInput>;
}

export const prepareMachine = setup({
  // XState declares a machine's types with type-only values: these casts are its documented idiom.
  types: { input: {} as PrepareInput, context: {} as PrepareContext, output: {} as FlowOutput, emitted: {} as MachineEmitted },
  actors: {
    ingestLogs: task<IngestInput, IngestOutput>(),
    downloadConfig: task<DownloadConfigInput, DownloadConfigOutput>(),
  },
  actions: { ...retryActions<PrepareContext>(), ...taskEmits<PrepareContext>() },
  guards: retryGuards<PrepareContext>(),
  delays: retryDelays<PrepareContext>([StepId.ingestLogs, StepId.downloadConfig]),
}).createMachine({
  id: 'prepare_prerequisite',
  context: ({ input }) => {
    const { policies: _p, random: _r, resumed: _s, ...job } = input;
    return { ...initialRetryContext(input), job };
  },
  initial: 'working',
  states: {
    working: {
      type: 'parallel',
      states: {
        ingest: taskNode({
          step: StepId.ingestLogs,
          path: `${PREPARE_PATH}/${StepId.ingestLogs}`,
          src: 'ingestLogs',
          input: ({ job }: PrepareContext): IngestInput => ({ runDir: job.runDir, source: job.source, format: job.format, baseDir: job.baseDir }),
          next: null,
          fail: '#prepare_prerequisite.failed',
        }),
        config: taskNode({
          step: StepId.downloadConfig,
          path: `${PREPARE_PATH}/${StepId.downloadConfig}`,
          src: 'downloadConfig',
          // attempts: the service falls back to its cached copy only on the last one (retry the service first).
          input: ({ job, policies }: PrepareContext): DownloadConfigInput => ({
            runDir: job.runDir,
            source: job.detectionConfig,
            baseDir: job.baseDir,
            attempts: policies.download_config_yaml.attempts,
          }),
          next: null,
          fail: '#prepare_prerequisite.failed',
        }),
      },
      onDone: { target: 'done' },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: flowOutput,
});
