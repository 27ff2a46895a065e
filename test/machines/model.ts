/**
 * Model-based testing helpers: derive the events a machine can take from its own definition,
 * replay xstate/graph paths on a real actor whose actors are scripted stubs, and measure which
 * states and transitions the replays covered.
 */
import { createActor, fromPromise, type AnyStateMachine, type AnyEventObject } from 'xstate';
import type { StatePath } from 'xstate/graph';
import { RETRYABLE_STEPS } from '../../src/dag.js';
import { NetworkError, PipelineError, toErrorInfo } from '../../src/errors.js';
import type { FlowOutput } from '../../src/machines/index.js';

/** Short backoffs; a timeout long enough that only a stub told to hang ever reaches it (replays run side by side). */
export const POLICY = { attempts: 2, baseDelayMs: 2, maxDelayMs: 4, timeoutMs: 60_000 };
/**
 * Each step's timeout is a distinct number of ms, so the replay clock knows whose timer it holds:
 * timeouts never fire by wall time, only when the path says so (replays can run side by side).
 */
export const policies = Object.fromEntries(RETRYABLE_STEPS.map((s, i) => [s, { ...POLICY, timeoutMs: POLICY.timeoutMs + i }])) as any;
const timeoutStep = new Map<number, string>(RETRYABLE_STEPS.map((s, i) => [POLICY.timeoutMs + i, s]));
export const random = () => 0.5;

export const retryable = new NetworkError('connection reset');
export const fatal = new PipelineError('CONFIG_INVALID', 'bad config', { retryable: false });

export const taskOutputs = {
  installPackages: { ran: 0 },
  ingestLogs: { eventsFile: '/run/events.ndjson', lines: 3, bytes: 10, streams: ['a'], unparsed: 0, from: null, to: null, source: 'file:x' },
  downloadConfig: { config: { version: '7', notify: { subjectPrefix: '[x]' } }, version: '7', origin: 'o', fromCache: false, file: 'c.yaml' },
  executeLogAnomaly: { anomaliesFile: '/run/anomalies.json', templatesFile: '/run/templates.csv', lines: 3, templates: 1, anomalies: 1 },
  analyzeReport: { reportJson: 'j', reportMd: 'm', reportHtml: 'h', shouldNotify: true, notifyReason: 'r', recipients: ['a@b.c'], reported: 1, total: 1, bySeverity: { high: 1 }, top: [], incidents: [] },
  sendNotificationEmails: { status: 'sent', recipients: 1, messageIds: ['<m>'] },
  uploadReport: { uri: 'file:///up/report.html', files: [] },
} as const;

/** The step a flow stub reports as failed, and what a successful flow returns. */
export const flowOutcomes: Record<string, { ok: FlowOutput; failedStep: string }> = {
  preparePrerequisite: {
    ok: { outputs: { execute_cloudwatchLog_injetion: taskOutputs.ingestLogs, download_config_yaml: taskOutputs.downloadConfig as any } },
    failedStep: 'prepare_prerequisite/download_config_yaml',
  },
  reportPostProcess: {
    ok: { outputs: { analyze_report: taskOutputs.analyzeReport, upload_report: taskOutputs.uploadReport } },
    failedStep: 'report_postProcess/upload_report',
  },
  analyzeReportFlow: {
    ok: { outputs: { analyze_report: taskOutputs.analyzeReport, upload_report: taskOutputs.uploadReport, send_notification_emails: taskOutputs.sendNotificationEmails } },
    failedStep: 'report_postProcess/analyze_report/send_notification_emails',
  },
};

type Node = { id: string; states: Record<string, Node>; transitions: Map<string, any[]>; always?: any[]; invoke: { id: string }[]; after: { eventType: string }[] };

export function allNodes(machine: AnyStateMachine): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    out.push(n);
    Object.values(n.states).forEach(walk);
  };
  walk(machine.root);
  return out;
}

export function transitionKey(t: any): string {
  const guard = t.guard ? (typeof t.guard === 'string' ? t.guard : (t.guard.type ?? 'inline')) : '';
  return `${t.source.id} --${t.eventType}[${guard}]--> ${(t.target ?? []).map((n: Node) => n.id).join(',')}`;
}

export function allTransitions(machine: AnyStateMachine): Set<string> {
  const keys = new Set<string>();
  for (const n of allNodes(machine)) {
    for (const defs of n.transitions.values()) for (const t of defs) keys.add(transitionKey(t));
    for (const t of n.always ?? []) keys.add(transitionKey(t));
  }
  return keys;
}

/** Every external event the machine reacts to, with output/error variants: the explicit event list. */
export function modelEvents(machine: AnyStateMachine): AnyEventObject[] {
  const events: AnyEventObject[] = [];
  const types = new Set<string>();
  for (const n of allNodes(machine)) for (const type of n.transitions.keys()) types.add(type);
  for (const type of types) {
    if (type.startsWith('xstate.done.state.')) continue; // raised by the machine itself
    const done = /^xstate\.done\.actor\.(.+)$/.exec(type);
    const error = /^xstate\.error\.actor\.(.+)$/.exec(type);
    if (done) {
      const id = done[1];
      const flow = flowOutcomes[id];
      if (flow) {
        events.push({ type, output: flow.ok });
        events.push({ type, output: { outputs: {}, failure: { step: flow.failedStep, error: toErrorInfo(fatal) } } });
      } else events.push({ type, output: (taskOutputs as any)[id] });
    } else if (error) {
      events.push({ type, error: retryable }, { type, error: fatal });
    } else events.push({ type });
  }
  return events;
}

/** Which invoked actor a timeout event belongs to (the invoke of the state the timer is on), and its step. */
function timeoutOwners(machine: AnyStateMachine): Map<string, { id: string; step: string }> {
  const owners = new Map<string, { id: string; step: string }>();
  for (const n of allNodes(machine)) {
    for (const a of n.after) {
      const m = /\.timeout_([A-Za-z_]+)\./.exec(a.eventType);
      if (m) owners.set(a.eventType, { id: n.invoke[0].id, step: m[1] });
    }
  }
  return owners;
}

/** A clock that runs short timers for real and holds step timeouts until fired on purpose. */
function replayClock() {
  const held = new Map<string, { id: number; fn: () => void }>();
  let next = 1;
  const real = new Map<number, ReturnType<typeof setTimeout>>();
  return {
    setTimeout(fn: (...a: any[]) => void, ms: number) {
      const id = next++;
      const step = timeoutStep.get(ms);
      if (step) held.set(step, { id, fn });
      else real.set(id, setTimeout(fn, ms));
      return id;
    },
    clearTimeout(id: any) {
      for (const [step, h] of held) if (h.id === id) held.delete(step);
      clearTimeout(real.get(id));
      real.delete(id);
    },
    fire(step: string) {
      const h = held.get(step);
      held.delete(step);
      h?.fn();
    },
  };
}

type Outcome = ({ kind: 'done'; output: unknown } | { kind: 'error'; error: unknown } | { kind: 'hang'; timeout?: string }) & { seq?: number; owner?: string };

export interface Replay {
  readonly snapshot: any;
  /** `start:id`, `done:id`, `error:id`, `aborted:id`, in order. */
  readonly log: string[];
  readonly inputs: Record<string, unknown[]>;
  readonly leftover: number;
  readonly states: Set<string>;
  readonly transitions: Set<string>;
}

const sameRest = (a: any, b: any) => JSON.stringify(a.value) === JSON.stringify(b.value) && JSON.stringify(a.context.attempts) === JSON.stringify(b.context.attempts);

/** Replays one path on a real actor: stubs answer in the order the path says, CANCEL is sent where it says. */
export async function replay(machine: AnyStateMachine, input: unknown, path: StatePath<any, any>): Promise<Replay> {
  const owners = timeoutOwners(machine);
  const queues = new Map<string, Outcome[]>();
  // Outcomes happen in the path's order across actors: each waits until earlier ones of other actors happened.
  const pending = new Map<number, string>();
  let wake: () => void = () => {};
  let changed = new Promise<void>((r) => (wake = r));
  const deliver = (seq: number) => {
    pending.delete(seq);
    const w = wake;
    changed = new Promise<void>((r) => (wake = r));
    setTimeout(w, 0); // after the machine has processed the outcome just delivered
  };
  const push = (id: string, o: Outcome) => {
    const seq = pending.size;
    pending.set(seq, id);
    queues.set(id, [...(queues.get(id) ?? []), { ...o, seq, owner: id }]);
  };
  let cancelAt: any;
  // steps[0] is xstate.init; each step's state is the state after its event.
  path.steps.forEach((step, i) => {
    const e = step.event as AnyEventObject;
    const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(e.type);
    if (m) push(m[2], m[1] === 'done' ? { kind: 'done', output: e.output } : { kind: 'error', error: e.error });
    else if (owners.has(e.type)) push(owners.get(e.type)!.id, { kind: 'hang', timeout: owners.get(e.type)!.step });
    else if (e.type === 'CANCEL') cancelAt = path.steps[i - 1].state;
  });
  const log: string[] = [];
  const inputs: Record<string, unknown[]> = {};
  const ids = new Set(allNodes(machine).flatMap((n) => n.invoke.map((i) => i.id)));
  const actors: Record<string, unknown> = {};
  for (const id of ids) {
    actors[id] = fromPromise(async ({ input, signal }) => {
      log.push(`start:${id}`);
      (inputs[id] ??= []).push(input);
      const next: Outcome = queues.get(id)?.shift() ?? { kind: 'hang' };
      await new Promise((r) => setTimeout(r, 0));
      const mine = next.seq;
      if (mine !== undefined) {
        while ([...pending].some(([s, owner]) => s < mine && owner !== id) && !signal.aborted) await changed;
      }
      if (next.kind === 'hang' || signal.aborted) {
        const timeout = next.kind === 'hang' ? next.timeout : undefined;
        return new Promise((_, reject) => {
          const onAbort = () => {
            if (mine !== undefined) deliver(mine);
            log.push(`aborted:${id}`);
            reject(new Error('aborted'));
          };
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
          // The path says this attempt times out now: fire its held timer (leaving the state aborts us).
          if (timeout) clock.fire(timeout);
        });
      }
      log.push(`${next.kind}:${id}`);
      deliver(mine!);
      if (next.kind === 'error') throw next.error;
      return next.output;
    });
  }
  const clock = replayClock();
  let rootRef: unknown;
  const states = new Set<string>();
  const transitions = new Set<string>();
  const actor = createActor(machine.provide({ actors } as any), {
    input,
    clock,
    inspect: (ev: any) => {
      rootRef ??= ev.actorRef; // the first inspection event is the root actor's creation
      if (ev.actorRef !== rootRef) return;
      if (ev.type === '@xstate.microstep' || ev.type === '@xstate.snapshot') for (const n of ev.snapshot._nodes) states.add(n.id);
      if (ev.type === '@xstate.microstep') {
        for (const t of ev._transitions) {
          transitions.add(transitionKey(t));
          states.add(t.source.id); // a transient initial state is only visible as the source of its transition
        }
      }
    },
  });
  const done = new Promise<void>((resolve) => {
    actor.subscribe({
      next: (snap) => {
        if (cancelAt && snap.status === 'active' && sameRest(snap, cancelAt)) {
          cancelAt = undefined;
          actor.send({ type: 'CANCEL' });
        }
      },
      complete: () => resolve(),
      error: () => resolve(),
    });
  });
  actor.start();
  if (cancelAt && sameRest(actor.getSnapshot(), cancelAt)) {
    cancelAt = undefined;
    actor.send({ type: 'CANCEL' });
  }
  await done;
  // Let stubs stopped by the final transition record their abort.
  await new Promise((r) => setTimeout(r, 1));
  const leftover = [...queues.values()].reduce((n, q) => n + q.length, 0);
  return { snapshot: actor.getSnapshot(), log, inputs, leftover, states, transitions };
}

export function stateIds(machine: AnyStateMachine): Set<string> {
  return new Set(allNodes(machine).map((n) => n.id));
}

export interface ModelRun {
  readonly path: StatePath<any, any>;
  readonly replay: Replay;
}

/** Only the events some active state node listens to (keeps the traversal small). */
export function eventsFor(machine: AnyStateMachine): (snapshot: any) => AnyEventObject[] {
  const events = modelEvents(machine);
  return (snapshot) => {
    const listened = new Set<string>();
    for (const n of snapshot._nodes as Node[]) for (const type of n.transitions.keys()) listened.add(type);
    return events.filter((e) => listened.has(e.type));
  };
}

/** A state is its value plus the retry bookkeeping and outcome (outputs and inputs do not matter). */
export function serializeState(s: any): string {
  const c = s.context;
  const codes = Object.fromEntries(Object.entries(c.errors ?? {}).map(([k, v]: [string, any]) => [k, v.code]));
  return JSON.stringify([s.value, s.status, c.attempts, codes, c.failure?.step ?? null, Object.keys(c.outputs ?? {}).sort()]);
}

/**
 * Paths to final states for one input, each replayed on a real actor. `simple`: every simple path
 * (all orders of every outcome); otherwise the shortest path to each distinct final state.
 */
export async function runModel(machine: AnyStateMachine, input: unknown, how: 'simple' | 'shortest' = 'simple'): Promise<ModelRun[]> {
  const { getSimplePaths, getShortestPaths } = await import('xstate/graph');
  const gen = how === 'simple' ? getSimplePaths : getShortestPaths;
  const paths = gen(machine, { input, events: eventsFor(machine), serializeState, toState: (s: any) => s.status === 'done' } as any);
  // Replays are independent actors waiting on timers: run them side by side.
  return Promise.all(paths.map(async (path) => ({ path, replay: await replay(machine, input, path) })));
}

/** States and transitions no replay went through (both must end up empty). */
export function uncovered(machine: AnyStateMachine, runs: readonly ModelRun[]) {
  const states = stateIds(machine);
  const transitions = allTransitions(machine);
  for (const r of runs) {
    r.replay.states.forEach((s) => states.delete(s));
    r.replay.transitions.forEach((t) => transitions.delete(t));
  }
  return { states: [...states], transitions: [...transitions], totalStates: stateIds(machine).size, totalTransitions: allTransitions(machine).size };
}

export const eventTypes = (path: StatePath<any, any>) => path.steps.map((s) => (s.event as AnyEventObject).type);
