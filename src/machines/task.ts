/**
 * The retrying task: one state-node builder reused by all seven steps, so every step has the same
 * visible states (`running` → `retrying` → `running` ..., `done`, `failed`, optionally `skipped`)
 * and the graph shows retries, timeouts and skips as states and transitions.
 */
import { assign, fromPromise, type AnyEventObject } from 'xstate';
import type { RetryableStep } from '../dag.js';
import { TimeoutError, toErrorInfo } from '../errors.js';
import { backoffDelay as retryBackoff, shouldRetry } from '../util/retry.js';
import type { RetryPolicy } from '../config/settings-types.js';
import type { RetryContext, TaskInput } from './types.js';

/** A typed slot for a step's work: the runtime provides the real implementation by name. */
export function task<I, O>() {
  return fromPromise<O, TaskInput<I>>(() => {
    return Promise.reject(new Error('task actor not provided: the composition root must provide it'));
  });
}

/** The wait after a failed attempt: the retry module's backoff (full jitter, capped), nothing local. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  return retryBackoff(policy, attempt, random);
}

/** The skip reason of a step an earlier execution of the same run finished. */
export const RESUMED = 'resumed';

export const timeoutDelay = (step: RetryableStep) => `timeout_${step}` as const;
export const backoffDelay = (step: RetryableStep) => `backoff_${step}` as const;

type StepParams = { step: RetryableStep; path: string; timeout?: boolean };
type Args<C> = { context: C; event: AnyEventObject };

/** The named delays of the steps a machine runs (per step, so parallel steps never share one). */
export function retryDelays<C extends RetryContext>(steps: readonly RetryableStep[]) {
  const delays: Record<string, (a: Args<C>) => number> = {};
  for (const step of steps) {
    delays[timeoutDelay(step)] = ({ context }) => context.policies[step].timeoutMs;
    delays[backoffDelay(step)] = ({ context }) => context.retryInMs[step] ?? 0;
  }
  return delays;
}

function errorOf(context: RetryContext, event: AnyEventObject, p: StepParams) {
  if (p.timeout) {
    const ms = context.policies[p.step].timeoutMs;
    return toErrorInfo(new TimeoutError(`${p.step} timed out after ${ms} ms (attempt ${context.attempts[p.step] ?? 1})`));
  }
  return toErrorInfo(event.error);
}

/** Actions every machine with retrying tasks registers in its setup(). */
export function retryActions<C extends RetryContext>() {
  // `never`: these actions spawn no actor, and never fits every machine's actor set. The cast: the
  // update touches RetryContext keys only, but TS cannot see Partial<RetryContext> inside Partial<C>.
  const update = (fn: (a: Args<C>, p: StepParams) => Partial<RetryContext>) =>
    assign<C, AnyEventObject, StepParams, AnyEventObject, never>((a, p) => fn(a, p) as Partial<C>);
  return {
    countAttempt: update(({ context }, p) => ({
      attempts: { ...context.attempts, [p.step]: (context.attempts[p.step] ?? 0) + 1 },
    })),
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- setup()'s actions see AnyEventObject, not the child's done event; this action runs only on xstate.done.actor, whose output is the step's
    saveOutput: update(({ context, event }, p) => ({ outputs: { ...context.outputs, [p.step]: event.output } })),
    planRetry: update(({ context, event }, p) => {
      const attempt = context.attempts[p.step] ?? 1;
      return {
        errors: { ...context.errors, [p.step]: errorOf(context, event, p) },
        retryInMs: { ...context.retryInMs, [p.step]: backoffMs(context.policies[p.step], attempt, context.random) },
      };
    }),
    recordFailure: update(({ context, event }, p) => {
      const error = errorOf(context, event, p);
      // The first failure names the run's failure: a step that still runs after it (the emails
      // after a failed upload) does not hide it.
      return { errors: { ...context.errors, [p.step]: error }, failure: context.failure ?? { step: p.path, error } };
    }),
  };
}

/** Guards: retry only when attempts remain and the error says it is worth it (timeouts are). */
export function retryGuards<C extends RetryContext>() {
  return {
    canRetry: ({ context, event }: Args<C>, p: StepParams) => shouldRetry(context.policies[p.step], context.attempts[p.step] ?? 1, event.error),
    canRetryTimeout: ({ context }: Args<C>, p: StepParams) =>
      shouldRetry(context.policies[p.step], context.attempts[p.step] ?? 1, new TimeoutError(`${p.step} timed out`)),
    // A resumed run starts with the outputs of the steps an earlier execution finished (no I/O here:
    // the runtime read them from disk and passed them in as input).
    isAlreadyDone: ({ context }: Args<C>, p: StepParams) => context.outputs[p.step] !== undefined,
  };
}

export interface TaskNodeOptions<C, Src extends string, I, Guard extends string> {
  readonly step: RetryableStep;
  /** DAG path of the step. */
  readonly path: string;
  /** Name of the actor slot in the machine's setup() (checked there, with its input type). */
  readonly src: Src;
  readonly input: (context: C) => I;
  /** Where to go when done; `null`: the task is a parallel region and `done` is final. */
  readonly next: string | null;
  readonly fail: string;
  /** Skip the work through a named guard, passing through a reported `skipped` state. */
  readonly skip?: { readonly guard: Guard; readonly reason: string };
  /** False when an enclosing flow with the same path reports done (analyze_report). */
  readonly reportsDone?: boolean;
  /** State node id; default the step name (must differ from the machine id). */
  readonly id?: string;
}

/**
 * Builds the compound state node of one retrying task (id = the step's original name). The result
 * keeps its literal names (actor, actions, guards), so the machine's setup() checks each one and
 * the actor's input type when the node is placed in createMachine.
 */
export function taskNode<C extends RetryContext, const Src extends string, I, const Guard extends string = never>(o: TaskNodeOptions<C, Src, I, Guard>) {
  const skipped = (reason: string) => ({ type: 'emitSkipped' as const, params: { path: o.path, reason } });
  const p: StepParams = { step: o.step, path: o.path };
  const pt: StepParams = { ...p, timeout: true };
  const leave = o.next === null ? { type: 'final' as const } : { always: { target: o.next } };
  const skip = o.skip;
  return {
    id: o.id ?? o.step,
    initial: 'deciding',
    states: {
      deciding: {
        always: [
          { guard: { type: 'isAlreadyDone' as const, params: p }, target: 'resumed' },
          ...(skip ? [{ guard: skip.guard, target: 'skipped' }] : []),
          { target: 'running' },
        ],
      },
      resumed: { entry: skipped(RESUMED), ...leave },
      ...(skip ? { skipped: { entry: skipped(skip.reason), ...leave } } : {}),
      running: {
        entry: [
          { type: 'countAttempt' as const, params: p },
          { type: 'emitRunning' as const, params: p },
        ],
        invoke: {
          id: o.src,
          src: o.src,
          input: ({ context }: { context: C }): TaskInput<I> => ({ input: o.input(context), attempt: context.attempts[o.step] ?? 1 }),
          onDone: { target: 'done', actions: { type: 'saveOutput' as const, params: p } },
          onError: [
            { guard: { type: 'canRetry' as const, params: p }, target: 'retrying', actions: { type: 'planRetry' as const, params: p } },
            { target: 'failed', actions: { type: 'recordFailure' as const, params: p } },
          ],
        },
        after: {
          [timeoutDelay(o.step)]: [
            { guard: { type: 'canRetryTimeout' as const, params: pt }, target: 'retrying', actions: { type: 'planRetry' as const, params: pt } },
            { target: 'failed', actions: { type: 'recordFailure' as const, params: pt } },
          ],
        },
      },
      retrying: { entry: { type: 'emitRetrying' as const, params: p }, after: { [backoffDelay(o.step)]: { target: 'running' } } },
      done: { ...(o.reportsDone === false ? {} : { entry: { type: 'emitDone' as const, params: p } }), ...leave },
      failed: { entry: { type: 'emitFailed' as const, params: p }, always: { target: o.fail } },
    },
  };
}
