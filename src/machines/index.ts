/** The pipeline's machines: logic only, no I/O; the composition root provides every actor by name. */
export { pipelineMachine, REPORT_ARTIFACTS, type PipelineOutput } from './pipeline.js';
export { prepareMachine } from './prepare.js';
export { postProcessMachine } from './post-process.js';
export { analyzeMachine } from './analyze.js';
export { backoffMs } from './task.js';
export { isMachineEmitted, type MachineEmitted } from './emitted.js';
export type { StepOutputs, FlowOutput, TaskInput } from './types.js';
