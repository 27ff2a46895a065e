/**
 * What the machines say happened, in the words of the state that knows it (XState `emit`): a task
 * says it is running (attempt n of m), retrying (after which error, how long it waits), done (with
 * its output), failed (with the error) or skipped (and why); a flow says it runs a child machine
 * and how that ended; the root says it was cancelled. Emitting is not I/O: nothing happens unless
 * someone listens (`actor.on`), and only the composition root does, turning these into bus events
 * (src/bus/from-machines.ts). Every event names its step by DAG path.
 */
import { emit, type AnyEventObject } from 'xstate';
import type { RetryableStep } from '../dag.js';
import type { ErrorInfo } from '../errors.js';
import type { RetryContext, StepOutputs } from './types.js';

type StepEmitted =
  | { readonly type: 'step.running'; readonly path: string; readonly attempt: number; readonly maxAttempts: number }
  | {
      readonly type: 'step.retrying';
      readonly path: string;
      readonly attempt: number;
      readonly maxAttempts: number;
      /** The backoff before the next attempt. */
      readonly retryInMs: number;
      readonly error: ErrorInfo | undefined;
    }
  | { readonly type: 'step.done'; readonly path: string; readonly attempt: number; readonly output: unknown }
  | { readonly type: 'step.failed'; readonly path: string; readonly attempt: number; readonly maxAttempts: number; readonly error: ErrorInfo | undefined }
  /** `skip_install`, `dry_run`, or `resumed` (an earlier execution of the run finished it). */
  | { readonly type: 'step.skipped'; readonly path: string; readonly reason: string };

type FlowEmitted =
  | { readonly type: 'flow.running'; readonly path: string }
  /** The child machine finished; `output` is what the flow's step produced (analyze_report's analysis), if anything. */
  | { readonly type: 'flow.done'; readonly path: string; readonly output: unknown }
  /** The child machine ended failed, or `crashed` (threw): steps still open inside it ended with it. */
  | { readonly type: 'flow.failed'; readonly path: string; readonly error: ErrorInfo | undefined; readonly crashed: boolean };

/** The run was cancelled (CANCEL): whatever was in flight at any depth stopped with it. */
type RunEmitted = { readonly type: 'run.cancelled'; readonly reason: string };

export type MachineEmitted = StepEmitted | FlowEmitted | RunEmitted;

const EMITTED_TYPES: ReadonlySet<string> = new Set<MachineEmitted['type']>([
  'step.running',
  'step.retrying',
  'step.done',
  'step.failed',
  'step.skipped',
  'flow.running',
  'flow.done',
  'flow.failed',
  'run.cancelled',
]);

/** For listeners that hear every actor of a system (`actor.on('*')`): is this one of ours? */
export function isMachineEmitted(e: { readonly type: string }): e is MachineEmitted {
  return EMITTED_TYPES.has(e.type);
}

type StepParams = { step: RetryableStep; path: string };
// `never` as the actor type, as in retryActions: these actions spawn nothing.
const emitter =
  <C, P extends Record<string, unknown>>() =>
  (fn: (context: C, p: P, event: AnyEventObject) => MachineEmitted) =>
    emit<C & RetryContext, AnyEventObject, P, AnyEventObject, MachineEmitted>(({ context, event }, p) => fn(context, p, event));

/** The emits of a retrying task (taskNode's states use them by name). */
export function taskEmits<C extends RetryContext>() {
  const step = emitter<C, StepParams>();
  const attempt = (c: C, p: StepParams) => c.attempts[p.step] ?? 1;
  return {
    emitRunning: step((c, p) => ({ type: 'step.running', path: p.path, attempt: attempt(c, p), maxAttempts: c.policies[p.step].attempts })),
    emitRetrying: step((c, p) => ({
      type: 'step.retrying',
      path: p.path,
      attempt: attempt(c, p),
      maxAttempts: c.policies[p.step].attempts,
      retryInMs: c.retryInMs[p.step] ?? 0,
      error: c.errors[p.step],
    })),
    emitDone: step((c, p) => ({ type: 'step.done', path: p.path, attempt: attempt(c, p), output: c.outputs[p.step] })),
    emitFailed: step((c, p) => ({ type: 'step.failed', path: p.path, attempt: attempt(c, p), maxAttempts: c.policies[p.step].attempts, error: c.errors[p.step] })),
    emitSkipped: emitter<C, { path: string; reason: string }>()((_, p) => ({ type: 'step.skipped', path: p.path, reason: p.reason })),
  };
}

/** The emits of a flow state (flowNode uses them by name, after adoptFlow or flowCrashed updated the context). */
export function flowEmits<C extends RetryContext>() {
  return {
    emitFlowRunning: emitter<C, { path: string }>()((_, p) => ({ type: 'flow.running', path: p.path })),
    emitFlowDone: emitter<C, { path: string; output?: keyof StepOutputs }>()((c, p) => ({ type: 'flow.done', path: p.path, output: p.output && c.outputs[p.output] })),
    emitFlowFailed: emitter<C, { path: string; crashed: boolean }>()((c, p) => ({ type: 'flow.failed', path: p.path, error: c.failure?.error, crashed: p.crashed })),
  };
}
