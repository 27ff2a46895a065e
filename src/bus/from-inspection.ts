/**
 * Turns XState's system-wide inspection (every actor at any depth) into step events.
 *
 * Machines mark states with `meta` (a StepMeta: step, DAG path, role, status); this adapter diffs
 * the active meta of each actor after every microstep and snapshot, so transient states such as
 * `skipped` are seen too, and nothing maps states to steps a second time. Rules:
 * - entering a task state reports its status (running with attempt n/m, retrying with the backoff
 *   and error, done with facts, failed with the error, skipped with the reason);
 * - a flow (a state invoking a child machine) reports running on entry, and on exit done, failed
 *   (from the child's output) or cancelled;
 * - a task left while running/retrying for any other reason (CANCEL, a sibling failing, its actor
 *   stopped) is cancelled;
 * - `finish()` ends every step still without a terminal status: in flight => cancelled, never
 *   reached => cancelled with reason `not reached`. So every DAG step ends terminal in every run.
 */
import type { InspectionEvent } from 'xstate';
import { findStep, STEP_PATHS } from '../dag.js';
import { toErrorInfo, type ErrorInfo } from '../errors.js';
import type { StepMeta, StepOutputs, FlowOutput, RetryPolicies } from '../machines/types.js';
import type { BusEventDraft, Facts, StepStatus } from './events.js';

type StepDraft = Extract<BusEventDraft, { type: 'step' }>;

export interface InspectionAdapter {
  readonly inspect: (event: InspectionEvent) => void;
  /** Ends all steps still open; `why` is the reason given to in-flight ones (e.g. `run cancelled`). */
  finish(why: string): void;
  /** The attempt a step is on (for the services' context). */
  attemptOf(path: string): number;
  /** Last status of each step path that has one. */
  statuses(): ReadonlyMap<string, StepStatus>;
}

export interface InspectionAdapterOptions {
  readonly emit: (draft: StepDraft) => void;
  readonly now?: () => number;
}

const TERMINAL = new Set<StepStatus>(['done', 'skipped', 'failed', 'cancelled']);
export const NOT_REACHED = 'not reached';

interface MachineLike {
  status: string;
  context: { attempts?: Record<string, number>; policies?: RetryPolicies; retryInMs?: Record<string, number>; errors?: Record<string, ErrorInfo>; outputs?: StepOutputs };
  getMeta(): Record<string, unknown>;
}

function isMachineSnapshot(s: unknown): s is MachineLike {
  return typeof s === 'object' && s !== null && typeof (s as MachineLike).getMeta === 'function';
}

function stepMetas(s: MachineLike): Map<string, StepMeta> {
  const out = new Map<string, StepMeta>();
  if (s.status === 'stopped') return out;
  for (const [id, m] of Object.entries(s.getMeta())) {
    const meta = m as Partial<StepMeta> | undefined;
    if (meta && typeof meta.path === 'string' && (meta.role === 'task' || meta.role === 'flow')) out.set(id, meta as StepMeta);
  }
  return out;
}

/** Small facts worth a glance when a step is done (never secrets; counts and identifiers). */
export function factsFor(step: string, output: unknown): Facts | undefined {
  if (!output || typeof output !== 'object') return undefined;
  const o = output as Record<string, any>;
  switch (step) {
    case 'install_packages':
      return { commands: o.ran };
    case 'execute_cloudwatchLog_injetion':
      return { lines: o.lines, streams: o.streams?.length ?? 0, unparsed: o.unparsed, source: o.source };
    case 'download_config_yaml':
      return { configVersion: o.version, etag: o.etag ?? null, revision: o.revision ?? null, fromCache: !!o.fromCache, stale: !!o.stale, origin: o.origin };
    case 'execute_logAnomaly':
      return { lines: o.lines, templates: o.templates, anomalies: o.anomalies };
    case 'analyze_report':
      return { anomalies: o.total, reported: o.reported, notify: !!o.shouldNotify };
    case 'send_notification_emails':
      return { status: o.status, emails: o.recipients };
    case 'upload_report':
      return { reportUri: o.uri, files: o.files?.length ?? 0 };
    default:
      return undefined;
  }
}

export function createInspectionAdapter(opts: InspectionAdapterOptions): InspectionAdapter {
  const now = opts.now ?? Date.now;
  const lastMeta = new Map<string, Map<string, StepMeta>>();
  const status = new Map<string, StepStatus>();
  const startedAt = new Map<string, number>();
  const attempts = new Map<string, number>();
  let finished = false;

  const kindOf = (path: string) => findStep(path)?.kind ?? 'task';
  const nameOf = (path: string) => path.split('/').pop() ?? path;

  function report(path: string, st: StepStatus, extra: Omit<StepDraft, 'type' | 'step' | 'name' | 'kind' | 'status'> = {}): void {
    const prev = status.get(path);
    if (prev && TERMINAL.has(prev)) return;
    // analyze_report is both a flow and the analysis task inside it: one `running` is enough.
    if (st === 'running' && prev === 'running') return;
    if (st === 'running' && !startedAt.has(path)) startedAt.set(path, now());
    const t0 = startedAt.get(path);
    const timing = TERMINAL.has(st) && t0 !== undefined ? { durationMs: now() - t0 } : {};
    const started = t0 !== undefined ? { startedAt: new Date(t0).toISOString() } : {};
    status.set(path, st);
    opts.emit({ type: 'step', step: path, name: nameOf(path), kind: kindOf(path), status: st, ...started, ...timing, ...extra });
  }

  /** Cancels open steps under a flow (deepest first) before the flow itself. */
  function cancelUnder(prefix: string, reason: string): void {
    for (const path of [...STEP_PATHS].reverse()) {
      if (!path.startsWith(prefix + '/')) continue;
      const st = status.get(path);
      if (st === 'running' || st === 'retrying') report(path, 'cancelled', { reason });
    }
  }

  function exited(m: StepMeta, snap: MachineLike, event: { type: string; output?: unknown; error?: unknown }, reentered: Set<string>): void {
    if (m.role === 'flow') {
      if (event.type.startsWith('xstate.done.actor.')) {
        const failure = (event.output as FlowOutput | undefined)?.failure;
        cancelUnder(m.path, 'sibling failed');
        if (failure) report(m.path, 'failed', { error: failure.error });
        else report(m.path, 'done', { facts: factsFor(m.step, snap.context.outputs?.[m.step as keyof StepOutputs]) });
      } else if (event.type.startsWith('xstate.error.actor.')) {
        cancelUnder(m.path, 'flow crashed');
        report(m.path, 'failed', { error: toErrorInfo(event.error) });
      } else {
        cancelUnder(m.path, 'cancelled');
        report(m.path, 'cancelled', { reason: 'cancelled' });
      }
      return;
    }
    if ((m.status === 'running' || m.status === 'retrying') && !reentered.has(m.path) && !event.type.startsWith('xstate.done.actor.')) {
      report(m.path, 'cancelled', { reason: event.type === 'CANCEL' ? 'cancelled' : 'sibling failed' });
    }
  }

  function entered(m: StepMeta, snap: MachineLike): void {
    const ctx = snap.context;
    const step = m.step as keyof RetryPolicies;
    const attempt = ctx.attempts?.[step];
    const maxAttempts = ctx.policies?.[step]?.attempts;
    if (m.role === 'flow') return report(m.path, 'running');
    switch (m.status) {
      case 'running':
        attempts.set(m.path, attempt ?? 1);
        return report(m.path, 'running', { attempt, maxAttempts });
      case 'retrying': {
        const retryInMs = ctx.retryInMs?.[step] ?? 0;
        return report(m.path, 'retrying', {
          attempt,
          maxAttempts,
          retryInMs,
          nextAttemptAt: new Date(now() + retryInMs).toISOString(),
          error: ctx.errors?.[step],
        });
      }
      case 'done':
        return report(m.path, 'done', { attempt, facts: factsFor(m.step, ctx.outputs?.[m.step as keyof StepOutputs]) });
      case 'failed':
        return report(m.path, 'failed', { attempt, maxAttempts, error: ctx.errors?.[step] });
      case 'skipped':
        return report(m.path, 'skipped', { reason: m.reason });
    }
  }

  function observe(actorId: string, snap: MachineLike, event: { type: string }): void {
    const prev = lastMeta.get(actorId) ?? new Map<string, StepMeta>();
    const cur = stepMetas(snap);
    lastMeta.set(actorId, cur);
    const gone = [...prev].filter(([id]) => !cur.has(id)).map(([, m]) => m);
    const added = [...cur].filter(([id]) => !prev.has(id)).map(([, m]) => m);
    const reentered = new Set(added.map((m) => m.path));
    // Deepest first on exit, shallowest first on entry: children close before parents open siblings.
    gone.sort((a, b) => b.path.split('/').length - a.path.split('/').length);
    added.sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.role === 'flow' ? -1 : 1));
    for (const m of gone) exited(m, snap, event, reentered);
    for (const m of added) entered(m, snap);
  }

  return {
    inspect(ev) {
      if (finished) return;
      if (ev.type !== '@xstate.microstep' && ev.type !== '@xstate.snapshot') return;
      if (!isMachineSnapshot(ev.snapshot)) return;
      observe(ev.actorRef.sessionId, ev.snapshot, ev.event);
    },
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
    attemptOf: (path) => attempts.get(path) ?? 1,
    statuses: () => status,
  };
}
