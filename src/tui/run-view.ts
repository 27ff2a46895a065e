/**
 * The pure heart of the TUI: `reduceRunView(view, event)` folds bus events into a RunView.
 * No Ink, no timers, no I/O, so it is tested with plain event arrays and costs little under a
 * flood. Untrusted text is sanitized and bounded here, once, instead of in every component.
 */
import { DAG, type DagNode } from '../dag.js';
import type { AnomalyBrief, BusEvent, Facts, LogEvent, ProgressEvent, RunEvent, RunSummary, StepEvent } from '../bus/events.js';
import type { ErrorInfo } from '../errors.js';
import { sanitizeForTerminal } from '../util/sanitize.js';
import type { AnomalyView, AttemptView, ErrorView, RunView, StepView, SummaryView } from './run-view-types.js';

/** How many log lines the view keeps; the log pane shows the tail that fits. */
export const LOG_WINDOW = 100;
/** Longest text kept from one untrusted string: nothing on screen is wider. */
const MAX_TEXT = 400;

/** Sanitize before anything reaches a terminal; cut first so a huge line costs little. */
export function clean(text: unknown, max = MAX_TEXT): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- untrusted event fields: whatever they hold is shown as text, after sanitising
  const s = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
  return sanitizeForTerminal(s.length > max * 2 ? s.slice(0, max * 2) : s).slice(0, max);
}

function treeRows(): StepView[] {
  const rows: StepView[] = [blankStep(DAG, '')];
  const walk = (n: DagNode, indent: string) => {
    n.children.forEach((c, i) => {
      const last = i === n.children.length - 1;
      rows.push(blankStep(c, indent + (last ? '└─ ' : '├─ ')));
      walk(c, indent + (last ? '   ' : '│  '));
    });
  };
  walk(DAG, '');
  return rows;
}

function blankStep(n: DagNode, branch: string): StepView {
  return { path: n.path, name: n.id, kind: n.kind, branch, status: 'pending', attempts: [], facts: [], artifacts: [], progress: [] };
}

export function initialRunView(): RunView {
  return { status: 'waiting', dryRun: false, skipInstall: false, steps: treeRows(), logs: [], events: 0, lastSeq: 0, gaps: 0 };
}

const ms = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

function errorView(e: ErrorInfo | undefined): ErrorView | undefined {
  return e ? { code: clean(e.code, 40), message: clean(e.message), retryable: e.retryable ?? false } : undefined;
}

export function reduceRunView(view: RunView, e: BusEvent): RunView {
  const gap = view.lastSeq > 0 && e.seq > view.lastSeq + 1 ? 1 : 0;
  const base = { ...view, events: view.events + 1, lastSeq: Math.max(view.lastSeq, e.seq), gaps: view.gaps + gap };
  switch (e.type) {
    case 'run':
      return reduceRun(base, e);
    case 'step':
      return updateStep(base, stepKey(e.step), (s) => reduceStep(s, e));
    case 'log':
      return { ...base, logs: appendLog(base.logs, e) };
    case 'progress':
      return updateStep(base, e.step, (s) => {
        const p = { unit: clean(e.unit, 20), current: e.current, total: e.total, label: e.label === undefined ? undefined : clean(e.label, 60) };
        const i = s.progress.findIndex((x) => x.unit === p.unit);
        return { ...s, progress: i < 0 ? [...s.progress, p] : s.progress.map((x, j) => (j === i ? p : x)) };
      });
    case 'artifact':
      return updateStep(base, e.step, (s) => ({
        ...s,
        artifacts: [...s.artifacts.filter((a) => a.name !== clean(e.name, 80)), { name: clean(e.name, 80), uri: clean(e.uri), bytes: e.bytes }],
      }));
    default:
      return base; // a newer event type this UI does not know: ignore it, keep counting
  }
}

/** The root may be reported as '' or by its name. */
const stepKey = (path: string): string => (path === DAG.id ? '' : path);

function updateStep(view: RunView, path: string, f: (s: StepView) => StepView): RunView {
  const i = view.steps.findIndex((s) => s.path === path);
  if (i < 0) return view; // not in the diagram: the tree stays exactly the DAG
  const steps = view.steps.slice();
  steps[i] = f(steps[i]);
  return { ...view, steps };
}

function reduceStep(s: StepView, e: StepEvent): StepView {
  const error = errorView(e.error);
  const attempt = e.attempt ?? s.attempt;
  let attempts = s.attempts;
  if (attempt !== undefined && e.status !== 'pending') {
    const entry: AttemptView = { attempt, status: e.status, durationMs: e.durationMs, error };
    const i = attempts.findIndex((a) => a.attempt === attempt);
    attempts = i < 0 ? [...attempts, entry] : attempts.map((a, j) => (j === i ? { ...a, ...definedOnly(entry) } : a));
  }
  const startedAt = e.status === 'running' ? (ms(e.startedAt) ?? ms(e.at)) : (s.startedAt ?? ms(e.startedAt));
  return {
    ...s,
    status: e.status,
    attempt,
    maxAttempts: e.maxAttempts ?? s.maxAttempts,
    nextAttemptAt: e.status === 'retrying' ? (ms(e.nextAttemptAt) ?? (ms(e.at) ?? 0) + (e.retryInMs ?? 0)) : undefined,
    reason: e.reason !== undefined ? clean(e.reason, 40) : e.status === 'skipped' ? s.reason : undefined,
    startedAt,
    durationMs: e.durationMs ?? (e.status === 'running' ? undefined : s.durationMs),
    error: error ?? (e.status === 'failed' || e.status === 'retrying' ? s.error : undefined),
    attempts,
    facts: e.facts ? factList(e.facts) : s.facts,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function factList(f: Facts): (readonly [string, string])[] {
  return Object.entries(f).slice(0, 20).map(([k, v]) => [clean(k, 40), clean(v, 200)] as const);
}

function appendLog(logs: RunView['logs'], e: LogEvent): RunView['logs'] {
  const fields = e.fields
    ? Object.entries(e.fields)
        .slice(0, 8)
        .map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join('')
    : '';
  const line = {
    seq: e.seq,
    time: clean(e.at, 40).slice(11, 19),
    level: e.level,
    step: e.step ? clean(e.step.split('/').pop(), 40) : '',
    text: clean(e.msg + fields),
  };
  const next = logs.length >= LOG_WINDOW ? logs.slice(logs.length - LOG_WINDOW + 1) : logs.slice();
  next.push(line);
  return next;
}

const ROOT_STATUS = { started: 'running', completed: 'done', failed: 'failed', cancelled: 'cancelled', crashed: 'failed' } as const;

function reduceRun(view: RunView, e: RunEvent): RunView {
  const at = ms(e.at);
  const started = e.status === 'started';
  const next: RunView = {
    ...view,
    runId: clean(e.runId, 64),
    status: e.status,
    dryRun: e.params?.dryRun ?? false,
    skipInstall: e.params?.skipInstall ?? false,
    source: e.params?.source !== undefined ? clean(e.params.source, 200) : view.source,
    startedAt: started ? (view.startedAt ?? at) : view.startedAt,
    endedAt: started ? undefined : at,
    exitCode: e.exitCode,
    failedStep: e.failedStep !== undefined ? clean(e.failedStep, 120) : undefined,
    error: errorView(e.error),
    summary: e.summary ? summaryView(e.summary) : view.summary,
    configVersion: e.summary?.configVersion !== undefined ? clean(e.summary.configVersion, 40) : view.configVersion,
  };
  const rootDuration = !started && next.startedAt !== undefined && at !== undefined ? at - next.startedAt : undefined;
  const withRoot = updateStep(next, '', (s) => ({ ...s, status: ROOT_STATUS[e.status], startedAt: next.startedAt, durationMs: rootDuration }));
  // When the run ends, nothing is still running: steps left mid-flight take the run's outcome.
  if (started || e.status === 'completed') return withRoot;
  return {
    ...withRoot,
    steps: withRoot.steps.map((s) =>
      s.status === 'running' || s.status === 'retrying'
        ? { ...s, status: e.status === 'failed' && s.path === e.failedStep ? 'failed' : 'cancelled', nextAttemptAt: undefined }
        : s,
    ),
  };
}

function anomalyView(a: AnomalyBrief): AnomalyView {
  return {
    kind: clean(a.kind, 30),
    severity: clean(a.severity, 20),
    score: a.score,
    template: clean(a.template),
    count: a.count,
    expected: a.expected,
    sample: a.sample === undefined ? undefined : clean(a.sample),
  };
}

function summaryView(s: RunSummary): SummaryView {
  return {
    total: s.anomalies.total,
    reported: s.anomalies.reported,
    bySeverity: Object.entries(s.anomalies.bySeverity ?? {}).map(([k, v]) => [clean(k, 20), v] as const),
    top: (s.anomalies.top ?? []).slice(0, 10).map(anomalyView),
    incidents: (s.anomalies.incidents ?? []).slice(0, 10).map((i) => ({
      severity: clean(i.severity, 20),
      title: clean(i.title),
      findings: i.findings,
      trigger: anomalyView(i.trigger),
    })),
    reportUri: s.reportUri === undefined ? undefined : clean(s.reportUri),
    notification: { status: clean(s.notification.status, 20), recipients: s.notification.recipients, reason: s.notification.reason === undefined ? undefined : clean(s.notification.reason, 80) },
    histogram: s.histogram ? { counts: s.histogram.counts, anomalous: s.histogram.anomalous, bucketSeconds: s.histogram.bucketSeconds } : undefined,
  };
}

/** The config version, from the run summary or from download_config_yaml's facts. */
export function configVersionOf(view: RunView): string | undefined {
  if (view.configVersion) return view.configVersion;
  for (const s of view.steps) {
    const f = s.facts.find(([k]) => k === 'configVersion' || k === 'version');
    if (f) return f[1];
  }
  return undefined;
}

/** The stream ended (or errored) without a final run event. */
export function endStream(view: RunView, error?: unknown): RunView {
  if (view.status === 'completed' || view.status === 'failed' || view.status === 'cancelled') return view;
  return error === undefined ? { ...view, streamEnded: 'completed' } : { ...view, streamEnded: 'error', streamError: clean(error instanceof Error ? error.message : error) };
}

export const isRunOver = (v: RunView): boolean => v.status === 'completed' || v.status === 'failed' || v.status === 'cancelled' || v.streamEnded !== undefined;

/**
 * The same result as `events.reduce(reduceRunView, view)`, cheaper under a flood: log lines that
 * would scroll out of the window within the batch, and progress that a later event of the same
 * step and unit overwrites, are only counted, never formatted.
 */
export function reduceRunViewBatch(view: RunView, events: readonly BusEvent[]): RunView {
  let logs = 0;
  const lastProgress = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.type === 'log') logs++;
    else if (e.type === 'progress') lastProgress.set(`${e.step}\u0000${e.unit}`, i);
  });
  let skipLogs = Math.max(0, logs - LOG_WINDOW);
  let v = view;
  let counted = 0;
  let gaps = 0;
  let lastSeq = v.lastSeq;
  const overwritten = (e: ProgressEvent, i: number) =>
    lastProgress.get(`${e.step}\u0000${e.unit}`) !== i && // a later event sets it again...
    !!v.steps.find((s) => s.path === e.step)?.progress.some((p) => p.unit === e.unit); // ...in place
  events.forEach((e, i) => {
    const countOnly = e.type === 'log' ? skipLogs > 0 : e.type === 'progress' && overwritten(e, i);
    if (countOnly) {
      if (e.type === 'log') skipLogs--;
      counted++;
      if (lastSeq > 0 && e.seq > lastSeq + 1) gaps++;
      lastSeq = Math.max(lastSeq, e.seq);
      return;
    }
    if (counted > 0) {
      v = { ...v, events: v.events + counted, gaps: v.gaps + gaps, lastSeq };
      counted = 0;
      gaps = 0;
    }
    v = reduceRunView(v, e);
    lastSeq = v.lastSeq;
  });
  return counted > 0 ? { ...v, events: v.events + counted, gaps: v.gaps + gaps, lastSeq } : v;
}
