/** The pipeline's machines: logic only, no I/O; the composition root provides every actor by name. */
export { pipelineMachine, REPORT_ARTIFACTS, type PipelineInput, type PipelineOutput, type PipelineEvent } from './pipeline.js';
export { prepareMachine, type PrepareInput } from './prepare.js';
export { postProcessMachine, type PostProcessInput } from './post-process.js';
export { analyzeMachine, type AnalyzeFlowInput } from './analyze.js';
export { task, backoffMs } from './task.js';
export { isMachineEmitted, type MachineEmitted } from './emitted.js';
export type { StepOutputs, Failure, FlowOutput, TaskInput, RetryPolicies } from './types.js';
