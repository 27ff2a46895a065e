/**
 * Runs the real pipeline machine (with its real child machines) through one spec.ts scenario,
 * deterministically and without wall time: every leaf actor is a stub whose attempts end when the
 * driver says, and every delay goes through a held clock. The driver advances one thing at a
 * time, in DAG order: settle an attempt, fire a backoff wait, fire a timeout (for an attempt the
 * scenario says times out), or send CANCEL (where the scenario says). It records what the spec
 * predicts: attempts started and aborted, backoff waits, the output.
 */
import { createActor, fromPromise, type AnyActorRef } from 'xstate';
import { NetworkError, PipelineError } from '../../src/errors.js';
import { analyzeMachine, isMachineEmitted, pipelineMachine, postProcessMachine, prepareMachine, type MachineEmitted } from '../../src/machines/index.js';
import { PARALLEL, STEPS, type Attempt, type Scenario, type Step } from './spec.js';

/** The actor slot each step's work is provided under. */
const SLOT: Record<Step, string> = {
  install_packages: 'installPackages',
  execute_cloudwatchLog_injetion: 'ingestLogs',
  download_config_yaml: 'downloadConfig',
  execute_logAnomaly: 'executeLogAnomaly',
  analyze_report: 'analyzeReport',
  upload_report: 'uploadReport',
  send_notification_emails: 'sendNotificationEmails',
};

export const OUTPUT: Record<Step, unknown> = {
  install_packages: { ran: 1 },
  execute_cloudwatchLog_injetion: { eventsFile: '/run/events.ndjson', lines: 3, streams: ['a'], from: null, to: null, source: 'file:x' },
  download_config_yaml: { config: { version: '7', notify: { subjectPrefix: '[x]' } }, version: '7', origin: 'o' },
  execute_logAnomaly: { anomaliesFile: '/run/anomalies.json' },
  analyze_report: { reportHtml: 'h', shouldNotify: true },
  upload_report: { uri: 'file:///up/report.html', files: [] },
  send_notification_emails: { status: 'sent' },
};

const ERROR: Record<Exclude<Attempt, 'ok' | 'timeout'>, Error> = {
  retryable: new NetworkError('connection reset'),
  fatal: new PipelineError('CONFIG_INVALID', 'bad config', { retryable: false }),
};

interface Call {
  readonly step: Step;
  readonly attempt: number;
  settle?: (a: Exclude<Attempt, 'timeout'>) => void;
  ended: boolean;
}
interface Timer {
  readonly id: number;
  readonly ms: number;
  readonly fn: () => void;
  /** The step whose timeout this is (by its distinct timeoutMs), else the step whose attempt just failed. */
  readonly step: Step | undefined;
  readonly kind: 'timeout' | 'backoff';
}

export interface Observed {
  readonly status: string;
  readonly failure?: { step: string; code: string };
  readonly starts: Step[];
  readonly aborted: Step[];
  readonly backoffs: Partial<Record<Step, number[]>>;
  readonly outputs: Step[];
  /** The attempt number each start was given, per step (must count 1, 2, ...). */
  readonly attemptNumbers: Partial<Record<Step, number[]>>;
  /** The last error of each step the root machine runs itself (what a retrying step shows), by code. */
  readonly rootErrors: Record<string, string>;
  /** What each step's first attempt was given. */
  readonly inputs: Partial<Record<Step, any>>;
  readonly output: any;
  /** What every machine of the run emitted (actor.on('*') on each actor, from its creation), in order heard. */
  readonly emitted: MachineEmitted[];
}

const flush = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
};

export const JOB = {
  params: { runId: 'r1' },
  runDir: '/run/r1',
  baseDir: '/base',
  installCommands: [['npm', 'ci']],
  source: { type: 'file', paths: ['x.log'] },
  format: { type: 'raw' },
  detectionConfig: { location: 'c.yaml' },
  detector: { type: 'builtin' },
  upload: { type: 'local', dir: '/up' },
  smtp: { host: 'mail', port: 25 },
  mutesFile: '/base/mutes.json',
  plannedReportUri: 'file:///up/r1/report.html',
};

export async function drive(s: Scenario, policies: Record<Step, { timeoutMs: number }>, random: () => number): Promise<Observed> {
  const calls: Call[] = [];
  const starts: Step[] = [];
  const aborted: Step[] = [];
  const attemptNumbers: Partial<Record<Step, number[]>> = {};
  const inputs: Partial<Record<Step, any>> = {};
  const backoffs: Partial<Record<Step, number[]>> = {};
  const timers = new Map<number, Timer>();
  const timeoutOf = new Map(STEPS.map((st) => [policies[st].timeoutMs, st]));
  let settling: Step | undefined;
  let nextId = 1;
  const clock = {
    setTimeout(fn: () => void, ms: number) {
      const id = nextId++;
      const step = timeoutOf.get(ms);
      const t: Timer = step ? { id, ms, fn, step, kind: 'timeout' } : { id, ms, fn, step: settling, kind: 'backoff' };
      if (t.kind === 'backoff' && t.step) (backoffs[t.step] ??= []).push(ms);
      timers.set(id, t);
      return id;
    },
    clearTimeout(id: unknown) {
      timers.delete(id as number);
    },
  };
  const stub = (step: Step) =>
    fromPromise<unknown, { input: unknown; attempt: number }>(({ input, signal }) => {
      starts.push(step);
      (attemptNumbers[step] ??= []).push(input.attempt);
      inputs[step] ??= input.input;
      const call: Call = { step, attempt: starts.filter((x) => x === step).length, ended: false };
      calls.push(call);
      return new Promise((resolve, reject) => {
        call.settle = (a) => {
          call.ended = true;
          if (a === 'ok') resolve(s.outputs?.[step] ?? OUTPUT[step]);
          else reject(ERROR[a]);
        };
        signal.addEventListener('abort', () => {
          if (call.ended) return;
          call.ended = true;
          aborted.push(step);
          reject(new Error('aborted'));
        });
      });
    });
  const actors = Object.fromEntries(STEPS.map((st) => [SLOT[st], stub(st)]));
  const machine = pipelineMachine.provide({
    actors: {
      installPackages: actors.installPackages,
      executeLogAnomaly: actors.executeLogAnomaly,
      preparePrerequisite: prepareMachine.provide({ actors: { ingestLogs: actors.ingestLogs, downloadConfig: actors.downloadConfig } as any }),
      reportPostProcess: postProcessMachine.provide({
        actors: {
          analyzeReportFlow: analyzeMachine.provide({
            actors: { analyzeReport: actors.analyzeReport, uploadReport: actors.uploadReport, sendNotificationEmails: actors.sendNotificationEmails } as any,
          }),
        },
      }),
    } as any,
  });
  const resumed = Object.fromEntries((s.resumed ?? []).map((st) => [st, OUTPUT[st]]));
  const { mutesFile: _m, smtp: _s, plannedReportUri: _p, ...bare } = JOB;
  const emitted: MachineEmitted[] = [];
  const actor: AnyActorRef = createActor(machine, {
    clock,
    // Child machines' emits reach only their own listeners: listen to each actor as it is created.
    inspect: (ev) => {
      if (ev.type === '@xstate.actor') (ev.actorRef as AnyActorRef).on('*', (e) => isMachineEmitted(e) && emitted.push(e));
    },
    input: {
      policies,
      random,
      ...(s.resumed ? { resumed } : {}),
      ...(s.bareJob ? bare : JOB),
      params: { ...JOB.params, skipInstall: s.skipInstall, dryRun: s.dryRun, ...(s.resendUnknown ? { resendUnknown: true } : {}) },
    } as any,
  });
  actor.start();
  const first = s.first ?? PARALLEL[0];
  const order: Step[] = STEPS.filter((x) => !(PARALLEL as readonly string[]).includes(x));
  order.splice(1, 0, first, first === PARALLEL[0] ? PARALLEL[1] : PARALLEL[0]);
  const rank = (st: Step | undefined) => (st ? order.indexOf(st) : order.length);
  for (let guard = 0; guard < 200; guard++) {
    await flush();
    if (actor.getSnapshot().status !== 'active') break;
    const open = calls.filter((c) => !c.ended);
    const waits = [...timers.values()].filter((t) => t.kind === 'backoff');
    const call = open.sort((a, b) => rank(a.step) - rank(b.step))[0];
    const wait = waits.sort((a, b) => rank(a.step) - rank(b.step) || a.id - b.id)[0];
    if (wait && (!call || rank(wait.step) <= rank(call.step))) {
      timers.delete(wait.id);
      wait.fn();
      continue;
    }
    if (!call) throw new Error(`stuck in ${JSON.stringify(actor.getSnapshot().value)}: nothing in flight, no wait pending`);
    if (s.cancelAt?.step === call.step && s.cancelAt.attempt === call.attempt) {
      actor.send({ type: 'CANCEL', ...(s.cancelAt.reason ? { reason: s.cancelAt.reason } : {}) });
      continue;
    }
    const a = s.attempts[call.step]?.[call.attempt - 1] ?? 'ok';
    settling = call.step;
    if (a === 'timeout') {
      const t = [...timers.values()].find((x) => x.kind === 'timeout' && x.step === call.step);
      if (!t) throw new Error(`${call.step} attempt ${call.attempt} runs with no timeout armed`);
      timers.delete(t.id);
      t.fn();
    } else call.settle!(a);
    await flush();
    settling = undefined;
  }
  await flush();
  const snap = actor.getSnapshot();
  if (snap.status !== 'done') throw new Error(`run did not end: ${JSON.stringify(snap.value)}`);
  const out = snap.output;
  return {
    status: out.status,
    ...(out.failure ? { failure: { step: out.failure.step, code: out.failure.error.code } } : {}),
    starts,
    aborted,
    backoffs,
    outputs: STEPS.filter((st) => out.outputs[st] !== undefined),
    attemptNumbers,
    rootErrors: Object.fromEntries(Object.entries(snap.context.errors as Record<string, { code: string }>).map(([k, v]) => [k, v.code])),
    inputs,
    output: out,
    emitted,
  };
}
