/**
 * One detection run, from line sources to anomalies and the updated baseline: learn a model from
 * baseline sources when there is none, resume the miner from the model (stable template ids),
 * stream the input through the engine, and fold the run back into the model.
 */
import type { DetectionConfig } from '../config/detection-types.js';
import { ConfigError, ErrorCode, AbortedError, messageOf } from '../errors.js';
import { userRegExp } from '../util/linear-regex.js';
import type { TemplateMiner } from './miner/types.js';
import { createMiner } from './miner/index.js';
import type { Anomaly } from './anomalies-schema.js';
import { createEngine, flaggedCells, type EngineLine, type EngineResult } from './engine.js';
import { rebucket, type BaselineModel } from './baseline/model.js';
import { foldRun } from './baseline/learn.js';
import { runNotices } from './notices.js';
import { createPacer, type Pacer } from '../util/pacer.js';

/** A re-openable stream of line batches (a file, the events NDJSON, an array in tests). */
export type LineSource = (signal?: AbortSignal) => AsyncIterable<readonly EngineLine[]>;

export interface DetectorRunOptions {
  readonly config: DetectionConfig;
  /** Extra masking regexes (source text); `field` names them in errors. */
  readonly masks?: readonly string[];
  readonly sessionKey?: string | null;
  /** A model from earlier runs; takes precedence over baselineSources. */
  readonly model?: BaselineModel | null;
  /** Normal logs to learn from when there is no model. */
  readonly baselineSources?: readonly LineSource[];
  readonly baselineLabel?: string;
  readonly maxTemplates?: number;
  readonly signal?: AbortSignal;
  /** Called about every 100,000 lines with the lines done so far (baseline and input). */
  readonly onProgress?: (lines: number, phase: 'baseline' | 'detect') => void;
  /** Where the masks/sessionKey settings came from, for error messages. */
  readonly settingsFile?: string;
  readonly fieldPrefix?: string;
  readonly now?: () => Date;
  /** Sources are time-ordered (see input/merge.ts). */
  readonly orderedInput?: boolean;
  /** Accepted as normal (`log-anomaly accept`): learned even in buckets where they were flagged. */
  readonly accepted?: (f: Pick<Anomaly, 'kind' | 'templateId' | 'template'>) => boolean;
}

export interface DetectorRunResult extends EngineResult {
  /** The model after learning this run (persist it to keep learning). */
  readonly model: BaselineModel;
}

/** `where` is `{ file, field }` of the setting, so a bad regex names its place. */
export function compileRegex(source: string, where: { file: string; field: string }, flags = ''): RegExp {
  try {
    return userRegExp(source, flags);
  } catch (err) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID, where, `invalid regular expression ${JSON.stringify(source)}: ${messageOf(err)}`);
  }
}

export async function runDetector(sources: readonly LineSource[], opts: DetectorRunOptions): Promise<DetectorRunResult> {
  const prefix = opts.fieldPrefix ?? 'detector';
  const file = opts.settingsFile ?? '(options)';
  const masks = (opts.masks ?? []).map((m, i) => compileRegex(m, { file, field: `${prefix}.masks[${i}]` }, 'g'));
  const sessionKey = opts.sessionKey ? compileRegex(opts.sessionKey, { file, field: `${prefix}.sessionKey` }) : null;
  const bucketSeconds = opts.config.thresholds.bucketSeconds;
  const pacer = createPacer(opts.signal, 'detection');
  let model = opts.model ? rebucket(opts.model, bucketSeconds) : null;
  // An empty baseline is no baseline: against it every template would be "new".
  if (model && model.lines === 0) model = null;
  let baselineLines: number | null = opts.model ? opts.model.lines : null;

  if (!model && opts.baselineSources && opts.baselineSources.length > 0) {
    const miner = createMiner({ masks });
    const learner = createEngine({ config: opts.config, miner, sessionKey, detect: false, now: opts.now, orderedInput: opts.orderedInput });
    await feed(learner, opts.baselineSources, opts, 'baseline', pacer);
    const learned = await learner.finishPaced(pacer);
    baselineLines = learned.run.lines;
    if (learned.run.lines > 0) model = foldRun(null, learned.run, {
      bucketSeconds,
      minerState: miner.toState(),
      sessions: learned.sessions,
      maxTemplates: opts.maxTemplates,
      source: opts.baselineLabel ?? `baseline logs (${opts.baselineSources.length} file${opts.baselineSources.length === 1 ? '' : 's'})`,
      now: opts.now?.(),
    });
  }

  const miner: TemplateMiner = createMiner({ masks, ...(model?.miner ? { state: model.miner } : {}) });
  const engine = createEngine({ config: opts.config, miner, baseline: model, sessionKey, now: opts.now, orderedInput: opts.orderedInput });
  await feed(engine, sources, opts, 'detect', pacer);
  const finished = await engine.finishPaced(pacer);
  await pacer.maybePause();
  const notices = runNotices(finished.run, model, baselineLines, bucketSeconds);
  const result = notices.length > 0 ? { ...finished, doc: { ...finished.doc, notices } } : finished;
  const updated = foldRun(model, result.run, {
    bucketSeconds,
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- checked in the condition of the same expression
    exclude: flaggedCells(opts.accepted ? { ...result.doc, anomalies: result.doc.anomalies.filter((a) => !opts.accepted!(a)) } : result.doc),
    minerState: miner.toState(),
    sessions: result.sessions,
    maxTemplates: opts.maxTemplates,
    source: model?.source ?? 'earlier runs',
    now: opts.now?.(),
  });
  return { ...result, model: updated };
}

/** Lines between two looks at the clock: a few microseconds of work each, so the pacer is rarely late. */
const PACE_EVERY = 256;

/**
 * Pushes lines from `from` until the pacer's slice is used up; returns where it stopped. A plain
 * function, so the hot loop keeps its locals in registers (in the async caller, anything alive
 * across an await lives in a heap context).
 */
function pushSlice(engine: { push(l: EngineLine): void }, batch: readonly EngineLine[], from: number, pacer: Pacer): number {
  for (let i = from; i < batch.length; i++) {
    engine.push(batch[i]);
    if (i % PACE_EVERY === PACE_EVERY - 1 && pacer.due()) return i + 1;
  }
  return batch.length;
}

async function feed(
  engine: { push(l: EngineLine): void; readonly lines: number },
  sources: readonly LineSource[],
  opts: DetectorRunOptions,
  phase: 'baseline' | 'detect',
  pacer: Pacer,
): Promise<void> {
  let nextReport = 100_000;
  for (const source of sources) {
    for await (const batch of source(opts.signal)) {
      if (opts.signal?.aborted) throw new AbortedError('detection aborted', { cause: opts.signal.reason });
      // a source may hand over any number of lines without a macrotask in between (a merge, an
      // array): the pacer gives the event loop its turns, so cancel and timeouts reach the loop
      for (let i = pushSlice(engine, batch, 0, pacer); i < batch.length; i = pushSlice(engine, batch, i, pacer)) await pacer.pause();
      await pacer.maybePause();
      if (engine.lines >= nextReport) {
        opts.onProgress?.(engine.lines, phase);
        nextReport = engine.lines + 100_000;
      }
    }
  }
  opts.onProgress?.(engine.lines, phase);
}
