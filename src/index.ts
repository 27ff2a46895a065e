/**
 * The programmatic API, like the original `from worker import pipeline; pipeline(dry_run=True)`:
 *
 *   import { runPipeline } from 'log-anomaly-pipeline';
 *   const result = await runPipeline({ dryRun: true, onEvent: (e) => console.log(e.type) });
 */
import { join, resolve } from 'node:path';
import { createBus } from './bus/bus.js';
import type { BusEvent } from './bus/events.js';
import { loadSettings } from './config/settings.js';
import type { PipelineSettings } from './config/settings-types.js';
import type { RunResult, Services } from './contracts.js';
import { generateRunId, startRun, validateRunId } from './runtime.js';

export interface RunPipelineOptions {
  /** A settings file (relative to the current directory) or settings already loaded; default the bundled demo. */
  readonly config?: string | PipelineSettings;
  /** Default: UTC `YYYYMMDD-HHMMSS`. */
  readonly runId?: string;
  readonly skipInstall?: boolean;
  readonly dryRun?: boolean;
  /** Send again (same Message-ID) emails whose delivery an interrupted run left unknown. */
  readonly resendUnknown?: boolean;
  /** Parent of the run directory; default the settings' output.dir. */
  readonly outDir?: string;
  /** Every bus event of the run, in order (synchronously, as emitted). */
  readonly onEvent?: (e: BusEvent) => void;
  /** Aborting it cancels the run (it then resolves `cancelled`). */
  readonly signal?: AbortSignal;
  /** Replace some step implementations. */
  readonly services?: Partial<Services>;
}

/**
 * `outDir` moves the whole run: its directory and, when the local upload is left at its default
 * (`<output.dir>/uploads`), the uploads too, so nothing is written under the settings' own output dir.
 */
function withOutDir(s: PipelineSettings, dir: string): PipelineSettings {
  const upload = s.upload.type === 'local' && s.upload.dir === join(s.output.dir, 'uploads') ? { ...s.upload, dir: join(dir, 'uploads') } : s.upload;
  return { ...s, upload, output: { ...s.output, dir } };
}

/** Runs the pipeline once and resolves to its result (it rejects only on bad input: settings, run id). */
export async function runPipeline(opts: RunPipelineOptions = {}): Promise<RunResult> {
  const runId = validateRunId(opts.runId ?? generateRunId());
  const loaded = typeof opts.config === 'object' ? opts.config : await loadSettings(opts.config, { cwd: process.cwd(), env: process.env });
  const settings = opts.outDir ? withOutDir(loaded, resolve(opts.outDir)) : loaded;
  const bus = createBus({ runId });
  const sub = opts.onEvent ? bus.events$.subscribe(opts.onEvent) : undefined;
  const handle = startRun({
    settings,
    params: { runId, skipInstall: !!opts.skipInstall, dryRun: !!opts.dryRun, ...(opts.resendUnknown ? { resendUnknown: true } : {}) },
    bus,
    services: opts.services,
  });
  const onAbort = () => handle.cancel('aborted by the caller');
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await handle.result;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    bus.complete();
    sub?.unsubscribe();
  }
}

export { startRun, generateRunId, validateRunId, type RunHandle, type StartRunOptions } from './runtime.js';
export { createBus, type Bus, type BusOptions } from './bus/bus.js';
export { loadSettings } from './config/settings.js';
export { defaultServices } from './services/index.js';
export { STEP_PATHS, StepId, DAG, type DagNode } from './dag.js';
export { PipelineError, ConfigError, UsageError, type ErrorInfo } from './errors.js';
/** For webhook receivers written in Node: check X-LogAnomaly-Signature (README, Webhooks). */
export { verifyWebhookSignature, signWebhook, WebhookHeader, type VerifyInput } from './services/webhook/sign.js';
export type * from './bus/events.js';
export type * from './contracts.js';
export type { PipelineSettings, RetryPolicy, LogSource, LogFormat, UploadSettings, SmtpSettings } from './config/settings-types.js';
export type { DetectionConfig } from './config/detection-types.js';
export type { Anomaly, AnomaliesDoc, AnomalySample } from './detector/anomalies-schema.js';
export type { ServiceContext } from './services/context.js';
