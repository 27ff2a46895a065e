/**
 * A flow step: a state that invokes a child machine and adopts its outputs, or its failure.
 * Child machines end in `done` or `failed` final states, so a failure deep down reaches the
 * root with the failing step's path, and the parent's graph shows both outcomes.
 */
import { assign, type AnyEventObject } from 'xstate';
import { toErrorInfo } from '../errors.js';
import type { FlowOutput, RetryContext, StepOutputs } from './types.js';

type Args<C> = { context: C; event: AnyEventObject };

/**
 * `never` as the actor type: these actions spawn no actor, and never fits every machine's set.
 * The casts: setup()'s actions see the machine's own events (AnyEventObject), not the child's
 * done event, so its output is read as the FlowOutput every child machine ends with; and TS
 * cannot see a Partial<RetryContext> inside Partial<C>.
 */
export function flowActions<C extends RetryContext>() {
  return {
    adoptFlow: assign<C, AnyEventObject, undefined, AnyEventObject, never>(({ context, event }) => {
      const out = event.output as FlowOutput;
      return { outputs: { ...context.outputs, ...out.outputs }, ...(out.failure ? { failure: out.failure } : {}) } as Partial<C>;
    }),
    flowCrashed: assign<C, AnyEventObject, { path: string }, AnyEventObject, never>(({ event }, p) =>
      ({ failure: { step: p.path, error: toErrorInfo(event.error) } }) as Partial<C>,
    ),
  };
}

export function flowGuards<C extends RetryContext>() {
  // The output of a child's done event, as in flowActions (setup's guards see AnyEventObject).
  return { flowFailed: ({ event }: Args<C>) => (event.output as FlowOutput | undefined)?.failure !== undefined };
}

export interface FlowNodeOptions<C, Src extends string, I> {
  readonly step: string;
  readonly path: string;
  /** Name of the child machine in setup() (checked there, with its input type). */
  readonly src: Src;
  readonly input: (context: C) => I;
  readonly next: string;
  readonly fail: string;
  /** The step output the flow reports done with (analyze_report: the analysis); none for the others. */
  readonly output?: keyof StepOutputs;
  /** False when a task with the same path inside the child reports running, with its attempts (analyze_report). */
  readonly reportsRunning?: boolean;
}

/** The state that runs a child machine (its id is the step name; typed like taskNode). */
export function flowNode<C extends RetryContext, const Src extends string, I>(o: FlowNodeOptions<C, Src, I>) {
  const path = { path: o.path };
  return {
    id: o.step,
    // Entry actions run before the invoke starts the child, so the flow reads running before its steps.
    ...(o.reportsRunning === false ? {} : { entry: { type: 'emitFlowRunning' as const, params: path } }),
    invoke: {
      id: o.src,
      src: o.src,
      input: ({ context }: { context: C }) => o.input(context),
      onDone: [
        { guard: 'flowFailed' as const, target: o.fail, actions: ['adoptFlow' as const, { type: 'emitFlowFailed' as const, params: { ...path, crashed: false } }] },
        { target: o.next, actions: ['adoptFlow' as const, { type: 'emitFlowDone' as const, params: { ...path, ...(o.output ? { output: o.output } : {}) } }] },
      ],
      onError: { target: o.fail, actions: [{ type: 'flowCrashed' as const, params: path }, { type: 'emitFlowFailed' as const, params: { ...path, crashed: true } }] },
    },
  };
}

/** What every machine reports when it ends. */
export function flowOutput({ context }: { context: RetryContext }): FlowOutput {
  return { outputs: context.outputs, ...(context.failure ? { failure: context.failure } : {}) };
}
