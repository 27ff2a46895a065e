/**
 * A flow step: a state that invokes a child machine and adopts its outputs, or its failure.
 * Child machines end in `done` or `failed` final states, so a failure deep down reaches the
 * root with the failing step's path, and the parent's graph shows both outcomes.
 */
import { assign, type AnyEventObject } from 'xstate';
import { toErrorInfo } from '../errors.js';
import type { FlowOutput, RetryContext, StepMeta } from './types.js';

type Args<C> = { context: C; event: AnyEventObject };

export function flowActions<C extends RetryContext>() {
  return {
    adoptFlow: assign<C, AnyEventObject, undefined, AnyEventObject, any>(({ context, event }) => {
      const out = event.output as FlowOutput;
      return { outputs: { ...context.outputs, ...out.outputs }, ...(out.failure ? { failure: out.failure } : {}) } as Partial<C>;
    }),
    flowCrashed: assign<C, AnyEventObject, { path: string }, AnyEventObject, any>(({ event }, p) =>
      ({ failure: { step: p.path, error: toErrorInfo(event.error) } }) as Partial<C>,
    ),
  };
}

export function flowGuards<C extends RetryContext>() {
  return { flowFailed: ({ event }: Args<C>) => (event.output as FlowOutput | undefined)?.failure !== undefined };
}

export interface FlowNodeOptions<C> {
  readonly step: string;
  readonly path: string;
  readonly src: string;
  readonly input: (context: C) => unknown;
  readonly next: string;
  readonly fail: string;
}

/** The state that runs a child machine (its id is the step name; untyped like taskNode). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function flowNode<C extends RetryContext>(o: FlowNodeOptions<C>): any {
  const meta: StepMeta = { step: o.step, path: o.path, role: 'flow' };
  return {
    id: o.step,
    meta,
    invoke: {
      id: o.src,
      src: o.src,
      input: ({ context }: { context: C }) => o.input(context),
      onDone: [
        { guard: 'flowFailed', target: o.fail, actions: 'adoptFlow' },
        { target: o.next, actions: 'adoptFlow' },
      ],
      onError: { target: o.fail, actions: { type: 'flowCrashed', params: { path: o.path } } },
    },
  };
}

/** What every machine reports when it ends. */
export function flowOutput({ context }: { context: RetryContext }): FlowOutput {
  return { outputs: context.outputs, ...(context.failure ? { failure: context.failure } : {}) };
}
