/**
 * The composition root: the only module that imports both the machines and the services. It
 * provides every actor by name (bottom-up), turns service logs/progress/artifacts and what the
 * machines emit into bus events, and writes run.json. It never completes the bus: the caller does.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createActor, fromPromise } from 'xstate';
import type { Bus } from './bus/bus.js';
import { attachJournal, JOURNAL_FILE } from './bus/journal.js';
import { createMachineEventAdapter } from './bus/from-machines.js';
import { exitCodeFor, type RunParams, type RunStatus } from './bus/events.js';
import type { PipelineSettings } from './config/settings-types.js';
import type { Env, RunParamsInput, RunResult, Services } from './contracts.js';
import { StepId } from './dag.js';
import { toErrorInfo, UsageError, messageOf } from './errors.js';
import { analyzeMachine, pipelineMachine, postProcessMachine, prepareMachine, type PipelineOutput, type TaskInput } from './machines/index.js';
import { buildSummary, describeSource, writeCrashedRecord, writeRunRecord } from './runtime/record.js';
import { createServiceContext } from './runtime/service-context.js';
import { notifyAllChannels, withWebhookEnvCheck } from './runtime/notify.js';
import { configSecrets, emailSecrets, uploadSecrets } from './runtime/secrets.js';
import { checkpointIntervalFrom } from './services/ingest/file-checkpoint.js';
import { defaultServices } from './services/index.js';
import type { DurableRun } from './durable/index.js';
import { plannedReportUri } from './services/upload/index.js';
import { refuseSymlinkSync } from './util/no-symlink.js';

export interface StartRunOptions {
  readonly settings: PipelineSettings;
  readonly params: RunParamsInput;
  readonly bus: Bus;
  /** Replace some services (tests, embedding); the rest are the real ones. */
  readonly services?: Partial<Services>;
  /** Parent of the run directory; default settings.output.dir. */
  readonly outDir?: string;
  /** Jitter source for retry backoff; default Math.random. */
  readonly random?: () => number;
  /**
   * The run's lease and saved state (openDurableRun): finished steps are skipped, each step's
   * output is saved as it finishes, and the lease is released when the run ends. Absent: nothing
   * is saved (embedding, unit tests).
   */
  readonly durable?: DurableRun;
  /** The environment the settings' *Env keys name variables of; default process.env (read only here). */
  readonly env?: Env;
}

export interface RunHandle {
  readonly runId: string;
  readonly runDir: string;
  readonly result: Promise<RunResult>;
  /** Aborts whatever is in flight at any depth; the run ends `cancelled`. Idempotent. */
  cancel(reason?: string): void;
}

const RUN_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** UTC `YYYYMMDD-HHMMSS`. */
export function generateRunId(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
}

/** Run ids name directories: letters, digits, `.`, `_`, `-`, at most 64, never `.` or `..`. */
export function validateRunId(id: string): string {
  if (!RUN_ID.test(id) || id === '.' || id === '..') {
    throw new UsageError(`invalid run id ${JSON.stringify(id)}: a run id is 1-64 characters of A-Z a-z 0-9 . _ - (not "." or "..")`);
  }
  return id;
}

/** Where a run keeps everything: <output.dir>/<run_id>. */
export function runDirFor(settings: PipelineSettings, runId: string, outDir?: string): string {
  const runDir = resolve(outDir ?? settings.output.dir, validateRunId(runId));
  // Before anything (lease, state) is written: a symlinked folder would write elsewhere.
  refuseSymlinkSync(dirname(runDir), 'runs folder');
  refuseSymlinkSync(runDir, 'run folder');
  return runDir;
}

export { openDurableRun, settingsHash, leaseIntervalFrom, type DurableRun } from './durable/index.js';

export function startRun(opts: StartRunOptions): RunHandle {
  const { settings, params } = opts;
  const runDir = runDirFor(settings, params.runId, opts.outDir);
  let cancelRequested: string | undefined;
  let sendCancel: ((reason: string) => void) | undefined;
  const result = execute(opts, runDir, () => cancelRequested, (send) => {
    sendCancel = send;
    if (cancelRequested !== undefined) send(cancelRequested);
  });
  return {
    runId: params.runId,
    runDir,
    result,
    cancel(reason = 'cancelled') {
      if (cancelRequested !== undefined) return;
      cancelRequested = reason;
      sendCancel?.(reason);
    },
  };
}

async function execute(
  opts: StartRunOptions,
  runDir: string,
  cancelledWith: () => string | undefined,
  onReady: (send: (reason: string) => void) => void,
): Promise<RunResult> {
  const { settings, params, bus } = opts;
  const chosen: Services = { ...defaultServices, ...opts.services };
  // Configuration and secrets reach services through their input: each gets the variables its
  // settings name, added here as the step starts (never stored in a machine's context).
  const env = opts.env ?? process.env;
  const services: Services = {
    ...chosen,
    downloadConfig: (input, ctx) => chosen.downloadConfig({ ...input, secrets: configSecrets(env, input) }, ctx),
    uploadReport: (input, ctx) => chosen.uploadReport({ ...input, secrets: uploadSecrets(env, input) }, ctx),
    sendNotificationEmails: (input, ctx) => chosen.sendNotificationEmails({ ...input, secrets: emailSecrets(env, input) }, ctx),
    executeLogAnomaly: (input, ctx) => chosen.executeLogAnomaly({ ...input, env }, ctx),
    ingestLogs: (input, ctx) => chosen.ingestLogs({ ...input, checkpointEveryMs: checkpointIntervalFrom(env) }, ctx),
  };
  const runParams: RunParams = { skipInstall: params.skipInstall, dryRun: params.dryRun, source: describeSource(settings.source), configFile: settings.file, ...(params.window ? { window: params.window } : {}), ...(params.schedule ? { schedule: params.schedule } : {}) };
  const startedAt = new Date();
  // The run's own event journal (the dashboard reads it); from the first event, so the folder first.
  const journal = await mkdir(runDir, { recursive: true }).then(
    () => attachJournal(bus.events$, join(runDir, JOURNAL_FILE)),
    () => undefined,
  );
  const durable = opts.durable;
  // An execution found dead when this one took its lease: say so in run.json until this one ends.
  for (const dead of durable?.takenOver ?? []) {
    await writeCrashedRecord(runDir, params.runId, runParams, dead).catch(() => undefined);
  }
  // The dead execution's end, published for it: `runs` shows it crashed and `watch` of it stops waiting.
  for (const dead of durable?.takenOver ?? []) {
    const message = `took over run ${params.runId} from pid ${dead.pid} on ${dead.host} (last heartbeat ${dead.heartbeatAt}); that execution crashed`;
    bus.emit({ type: 'log', level: 'warn', msg: message });
    bus.emit({ type: 'run', status: 'crashed', params: runParams, exitCode: 1, error: { name: 'CrashedError', code: 'CRASHED', message, retryable: false } });
  }
  bus.emit({ type: 'run', status: 'started', params: runParams });
  const resumedSteps = Object.keys(durable?.resumed ?? {});
  if (resumedSteps.length > 0) bus.emit({ type: 'log', level: 'info', msg: `resuming run ${params.runId}: ${resumedSteps.length} step(s) already done`, fields: { steps: resumedSteps.join(',') } });
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- removedTemps.length > 0 implies durable
  if ((durable?.removedTemps.length ?? 0) > 0) bus.emit({ type: 'log', level: 'info', msg: `removed ${durable!.removedTemps.length} orphan temp file(s) left by a dead execution` });

  const finish = async (status: Exclude<RunStatus, 'started' | 'crashed'>, out?: PipelineOutput, err?: unknown): Promise<RunResult> => {
    const failedStep = status === 'failed' ? (out?.failure?.step ?? undefined) : undefined;
    // A cancelled run says why (SIGINT, the TUI, a worker draining) in the same place a failure would.
    const cancelInfo = status === 'cancelled' && out?.cancelReason ? { name: 'AbortedError', code: 'ABORTED', message: out.cancelReason, retryable: false } : undefined;
    const error = out?.failure?.error ?? cancelInfo ?? (err !== undefined ? toErrorInfo(err) : undefined);
    const exitCode = exitCodeFor(status, error);
    const summary = out ? buildSummary(out.outputs, params.dryRun) : undefined;
    const res: RunResult = { runId: params.runId, runDir, status, exitCode, ...(failedStep ? { failedStep } : {}), ...(error && status !== 'completed' ? { error } : {}), ...(summary ? { summary } : {}) };
    try {
      await writeRunRecord(runDir, { result: res, params: runParams, startedAt, finishedAt: new Date(), cancelReason: out?.cancelReason, crashed: durable?.takenOver });
    } catch (e) {
      bus.emit({ type: 'log', level: 'error', msg: `could not write run.json: ${messageOf(e)}` });
    }
    await durable?.close().catch((e: unknown) => bus.emit({ type: 'log', level: 'warn', msg: `could not release the run lease: ${messageOf(e)}` }));
    bus.emit({ type: 'run', status, params: runParams, exitCode, ...(res.failedStep ? { failedStep: res.failedStep } : {}), ...(res.error ? { error: res.error } : {}), ...(summary ? { summary } : {}) });
    await journal?.close();
    return res;
  };

  const adapter = createMachineEventAdapter({ emit: (d) => bus.emit(d) });
  let planned: string | undefined;
  try {
    await mkdir(runDir, { recursive: true });
    planned = await plannedReportUri(settings.upload, params.runId, dirname(settings.file));
  } catch (err) {
    adapter.finish('run failed');
    return finish('failed', undefined, err);
  }

  // Each step's actor: the service with a context whose log/progress/artifact calls become events.
  // A step's output is saved before the machine hears it is done: a kill after that never redoes it.
  const fromService = <I, O>(path: string, fn: (input: I, ctx: import('./services/context.js').ServiceContext) => Promise<O>) =>
    fromPromise<O, TaskInput<I>>(async ({ input, signal }) => {
      // XState starts the actors a machine's initial state invokes before it delivers that state's
      // emits (the step's `running`): the service's first line waits one tick, so its first log follows.
      await Promise.resolve();
      const out = await fn(input.input, createServiceContext({ bus, step: path, signal, attempt: input.attempt }));
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- split always returns at least one part
      if (durable && !signal.aborted) await durable.saveStep(path.split('/').at(-1)!, out);
      return out;
    });

  const analyze = analyzeMachine.provide({
    actors: {
      analyzeReport: fromService(`${StepId.reportPostProcess}/${StepId.analyzeReport}`, services.analyzeReport),
      uploadReport: fromService(`${StepId.reportPostProcess}/${StepId.uploadReport}`, services.uploadReport),
      // Emails and webhooks, one step (the original name): see services/send-notifications.ts.
      sendNotificationEmails: fromService(`${StepId.reportPostProcess}/${StepId.analyzeReport}/${StepId.sendNotificationEmails}`, notifyAllChannels(services, env)),
    },
  });
  const postProcess = postProcessMachine.provide({ actors: { analyzeReportFlow: analyze } });
  const prepare = prepareMachine.provide({
    actors: {
      ingestLogs: fromService(`${StepId.preparePrerequisite}/${StepId.ingestLogs}`, services.ingestLogs),
      downloadConfig: fromService(`${StepId.preparePrerequisite}/${StepId.downloadConfig}`, withWebhookEnvCheck(services.downloadConfig, env)),
    },
  });
  const machine = pipelineMachine.provide({
    actors: {
      installPackages: fromService(StepId.installPackages, services.installPackages),
      preparePrerequisite: prepare,
      executeLogAnomaly: fromService(StepId.executeLogAnomaly, services.executeLogAnomaly),
      reportPostProcess: postProcess,
    },
  });

  // Cancelled before the first step: end here, so no step (and no email) ever starts.
  const early = cancelledWith();
  if (early !== undefined) {
    adapter.finish('run cancelled');
    return finish('cancelled', { status: 'cancelled', outputs: {}, cancelReason: early });
  }

  const actor = createActor(machine, {
    inspect: adapter.inspect,
    input: {
      policies: settings.steps,
      random: opts.random,
      params,
      runDir,
      baseDir: dirname(settings.file),
      installCommands: settings.install.commands,
      source: settings.source,
      format: settings.format,
      detectionConfig: settings.detectionConfig,
      detector: settings.detector,
      mutesFile: settings.mutes.file,
      smtp: settings.smtp,
      upload: settings.upload,
      plannedReportUri: planned,
      resumed: durable?.resumed,
    },
  });
  if (durable) actor.subscribe({ next: () => durable.saveSnapshot(actor.getPersistedSnapshot()), error: () => undefined });
  const done = new Promise<{ out?: PipelineOutput; err?: unknown }>((res) => {
    actor.subscribe({
      complete: () => res({ out: actor.getSnapshot().output }),
      error: (err) => res({ err }),
    });
  });
  actor.start();
  onReady((reason) => actor.send({ type: 'CANCEL', reason }));
  const { out, err } = await done;
  const status = out?.status ?? 'failed';
  adapter.finish(status === 'cancelled' ? 'run cancelled' : 'run failed');
  return finish(status, out, err);
}
