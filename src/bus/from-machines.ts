/**
 * Turns what the machines emit (src/machines/emitted.ts) into step events. The machines say what
 * happened; this adapter keeps the bookkeeping only an observer of the whole run has:
 * - each step's last status, so a step ends terminal once (a late duplicate is dropped) and
 *   `startedAt`/`durationMs` come from when the bus first saw it running;
 * - when a flow ends, steps still open inside it end with it (`sibling failed`, or `flow crashed`
 *   when the child machine threw): a stopped child machine runs no exit actions, so cannot say so;
 * - on `run.cancelled`, every open step ends `cancelled`, deepest first;
 * - `finish()` ends every step still without a terminal status: in flight => cancelled, never
 *   reached => cancelled with reason `not reached`. So every DAG step ends terminal in every run.
 *
 * Inspection is used for one thing only: learning that an actor was created, at any depth, before
 * it starts, so its emitted events are heard from the first (XState has no other hook for the
 * children a machine invokes; a child's emits do not reach its parent's listeners).
 */
import type { ActorRefLike, AnyActorRef, InspectionEvent } from 'xstate';
import { findStep, STEP_PATHS } from '../dag.js';
import { isMachineEmitted, type MachineEmitted } from '../machines/emitted.js';
import type { StepOutputs } from '../machines/types.js';
import type { BusEventDraft, Facts, StepStatus } from './events.js';

type StepDraft = Extract<BusEventDraft, { type: 'step' }>;

export interface MachineEventAdapter {
  /** Pass as `createActor(machine, { inspect })`: listens to every actor of the system from its creation. */
  readonly inspect: (event: InspectionEvent) => void;
  /** One emitted event (what `inspect` wires each actor's `on('*')` to; tests may call it directly). */
  readonly onEmitted: (event: MachineEmitted) => void;
  /** Ends all steps still open; `why` is the reason given to in-flight ones (e.g. `run cancelled`). */
  finish(why: string): void;
}

export interface MachineEventAdapterOptions {
  readonly emit: (draft: StepDraft) => void;
  readonly now?: () => number;
}

/** Inspection types an actor as ActorRefLike; every actor XState creates is an event emitter (`on`). */
const canListen = (ref: ActorRefLike): ref is ActorRefLike & Pick<AnyActorRef, 'on'> => typeof (ref as Partial<AnyActorRef>).on === 'function';

const TERMINAL = new Set<StepStatus>(['done', 'skipped', 'failed', 'cancelled']);
const NOT_REACHED = 'not reached';

/** Small facts worth a glance when a step is done (never secrets; counts and identifiers). */
function factsFor(step: string, output: unknown): Facts | undefined {
  if (!output || typeof output !== 'object') return undefined;
  // The machines emit a step's output as it is in their context (StepOutputs, by step name).
  const o = { [step]: output } as StepOutputs;
  if (o.install_packages) return { commands: o.install_packages.ran };
  if (o.execute_cloudwatchLog_injetion) {
    const i = o.execute_cloudwatchLog_injetion;
    return { lines: i.lines, streams: i.streams.length, unparsed: i.unparsed, source: i.source };
  }
  if (o.download_config_yaml) {
    const c = o.download_config_yaml;
    return { configVersion: c.version, etag: c.etag ?? null, revision: c.revision ?? null, fromCache: c.fromCache, stale: c.stale === true, origin: c.origin };
  }
  if (o.execute_logAnomaly) return { lines: o.execute_logAnomaly.lines, templates: o.execute_logAnomaly.templates, anomalies: o.execute_logAnomaly.anomalies };
  if (o.analyze_report) return { anomalies: o.analyze_report.total, reported: o.analyze_report.reported, notify: o.analyze_report.shouldNotify };
  if (o.send_notification_emails) return { status: o.send_notification_emails.status, emails: o.send_notification_emails.recipients };
  if (o.upload_report) return { reportUri: o.upload_report.uri, files: o.upload_report.files.length };
  return undefined;
}

export function createMachineEventAdapter(opts: MachineEventAdapterOptions): MachineEventAdapter {
  const now = opts.now ?? Date.now;
  const status = new Map<string, StepStatus>();
  // XState starts the children of the root's initial state (prepare_prerequisite, when install is
  // skipped) before it delivers the root's own first emits: what other actors emit meanwhile waits
  // for the root's first snapshot, so `install_packages skipped` still comes before its successors.
  let rootId: string | undefined;
  let rootStarted = false;
  const held: MachineEmitted[] = [];
  const startedAt = new Map<string, number>();
  let finished = false;

  const kindOf = (path: string) => findStep(path)?.kind ?? 'task';
  const nameOf = (path: string) => path.split('/').pop() ?? path;

  function report(path: string, st: StepStatus, extra: Omit<StepDraft, 'type' | 'step' | 'name' | 'kind' | 'status'> = {}): void {
    const prev = status.get(path);
    if (prev && TERMINAL.has(prev)) return;
    if (st === 'running' && !startedAt.has(path)) startedAt.set(path, now());
    const t0 = startedAt.get(path);
    const timing = TERMINAL.has(st) && t0 !== undefined ? { durationMs: now() - t0 } : {};
    const started = t0 !== undefined ? { startedAt: new Date(t0).toISOString() } : {};
    status.set(path, st);
    opts.emit({ type: 'step', step: path, name: nameOf(path), kind: kindOf(path), status: st, ...started, ...timing, ...extra });
  }

  /** Cancels open steps under `prefix` ('' = all), deepest first. */
  function cancelUnder(prefix: string, reason: string): void {
    for (const path of [...STEP_PATHS].reverse()) {
      if (prefix !== '' && !path.startsWith(prefix + '/')) continue;
      const st = status.get(path);
      if (st === 'running' || st === 'retrying') report(path, 'cancelled', { reason });
    }
  }

  function onEmitted(e: MachineEmitted): void {
    if (finished) return;
    switch (e.type) {
      case 'step.running':
        report(e.path, 'running', { attempt: e.attempt, maxAttempts: e.maxAttempts });
        return;
      case 'step.retrying':
        report(e.path, 'retrying', {
          attempt: e.attempt,
          maxAttempts: e.maxAttempts,
          retryInMs: e.retryInMs,
          nextAttemptAt: new Date(now() + e.retryInMs).toISOString(),
          ...(e.error ? { error: e.error } : {}),
        });
        return;
      case 'step.done':
        report(e.path, 'done', { attempt: e.attempt, ...facts(e.path, e.output) });
        return;
      case 'step.failed':
        report(e.path, 'failed', { attempt: e.attempt, maxAttempts: e.maxAttempts, ...(e.error ? { error: e.error } : {}) });
        return;
      case 'step.skipped':
        report(e.path, 'skipped', { reason: e.reason });
        return;
      case 'flow.running':
        report(e.path, 'running');
        return;
      case 'flow.done':
        cancelUnder(e.path, 'sibling failed');
        report(e.path, 'done', facts(e.path, e.output));
        return;
      case 'flow.failed':
        cancelUnder(e.path, e.crashed ? 'flow crashed' : 'sibling failed');
        report(e.path, 'failed', e.error ? { error: e.error } : {});
        return;
      case 'run.cancelled':
        cancelUnder('', 'cancelled');
        return;
    }
  }

  const facts = (path: string, output: unknown) => {
    const f = factsFor(nameOf(path), output);
    return f ? { facts: f } : {};
  };

  return {
    inspect(ev) {
      if (ev.type === '@xstate.snapshot' && ev.actorRef.sessionId === rootId && !rootStarted) {
        rootStarted = true;
        for (const e of held.splice(0)) onEmitted(e);
        return;
      }
      // Every actor, the root first, is reported here before it starts: its first emit is heard.
      if (ev.type !== '@xstate.actor' || !canListen(ev.actorRef)) return;
      const isRoot = rootId === undefined;
      if (isRoot) rootId = ev.actorRef.sessionId;
      ev.actorRef.on('*', (e: { type: string }) => {
        if (!isMachineEmitted(e)) return;
        if (isRoot || rootStarted) onEmitted(e);
        else held.push(e);
      });
    },
    onEmitted,
    finish(why) {
      if (finished) return;
      // In-flight steps close deepest first; then the ones never reached, in DAG order.
      for (const path of [...STEP_PATHS].reverse()) {
        const st = status.get(path);
        if (st !== undefined && !TERMINAL.has(st)) report(path, 'cancelled', { reason: why });
      }
      for (const path of STEP_PATHS) if (!status.has(path)) report(path, 'cancelled', { reason: NOT_REACHED });
      finished = true;
    },
  };
}
