/**
 * The streaming engine: parsed lines -> miner -> per-template/per-bucket counters -> detectors ->
 * AnomaliesDoc. One pass, O(templates x buckets) memory, a Map lookup and a few increments per
 * line; the detectors run once, at the end, on the counters.
 */
import type { AnomaliesDoc, Anomaly, AnomalySample } from './anomalies-schema.js';
import { ANOMALIES_SCHEMA, ANOMALIES_VERSION } from './anomalies-schema.js';
import { groupIncidents } from './incidents.js';
import type { AnomalyKind, DetectionConfig } from '../config/detection-types.js';
import type { TemplateInfo, TemplateMiner } from './miner/types.js';
import type { BaselineModel } from './baseline/model.js';
import { LevelClass, type BucketCell, type RunStats, type StreamCell, type TemplateAcc, type TotalsCell } from './run-stats.js';
import type { DetectorInput } from './detect/types.js';
import { levelClassOf, levelClassOfText } from './detect/explain.js';
import { detectFrequency } from './detect/frequency.js';
import { detectNewTemplates, detectRareTemplates } from './detect/templates.js';
import { detectErrorRate } from './detect/error-rate.js';
import { detectStreamSilence } from './detect/stream-silence.js';
import { detectSessions } from './detect/session-detector.js';
import { createSessionTracker, sampleOf, toModelData, type SessionModelData, type SessionTracker } from './detect/sessions.js';
import { buildHistogram } from './histogram.js';
import { createVariantResolver } from './detect/variants.js';
import { foldMergedBaseline, foldMergedSessions, foldMergedTemplates } from './fold-merged.js';
import type { Pacer } from '../util/pacer.js';

export const DETECTOR_NAME = 'log-anomaly-builtin';
export const DETECTOR_VERSION = '1.0.0';

/** One line as the engine sees it: the format parser's fields plus where it came from. */
export interface EngineLine {
  readonly content: string;
  readonly timestamp: number | null;
  readonly level?: string;
  readonly stream: string;
  /** The original line (evidence in samples). */
  readonly raw: string;
  /** Where content starts in raw when content is the rest of raw (content === raw.slice(contentStart)); -1 or absent otherwise. */
  readonly contentStart?: number;
  readonly lineNo: number;
}

export interface EngineOptions {
  readonly config: DetectionConfig;
  readonly miner: TemplateMiner;
  readonly baseline?: BaselineModel | null;
  /** First capture group (or the whole match) is the session id. */
  readonly sessionKey?: RegExp | null;
  readonly now?: () => Date;
  /** The input is in time order (merged files): sessions can be closed when idle. */
  readonly orderedInput?: boolean;
  /** false: only count (learning a baseline); finish() returns no anomalies. */
  readonly detect?: boolean;
}

export interface EngineResult {
  readonly doc: AnomaliesDoc;
  readonly run: RunStats;
  /** This run's sessions as model data (to fold into the baseline), when a session key is set. */
  readonly sessions: SessionModelData | null;
  /** Every template the miner knows, with this run's counts (0 for baseline-only templates). */
  readonly templates: readonly TemplateInfo[];
}

export interface DetectionEngine {
  push(line: EngineLine): void;
  readonly lines: number;
  finish(): EngineResult;
  /** finish() with a pause between its phases (the detectors, sessions), so a cancel reaches it. */
  finishPaced(pacer: Pick<Pacer, 'maybePause'>): Promise<EngineResult>;
}

/** Where the engine counts a miner template's lines. */
interface Slot {
  readonly acc: TemplateAcc;
  readonly textLevel: LevelClass;
}

const SAMPLES_PER_TEMPLATE = 3;
const SAMPLES_PER_CELL = 2;

export function createEngine(opts: EngineOptions): DetectionEngine {
  const { config, miner } = opts;
  const baseline = opts.baseline ?? null;
  const B = config.thresholds.bucketSeconds * 1000;
  const templates = new Map<string, TemplateAcc>();
  const totals = new Map<number, TotalsCell>();
  const streams = new Set<string>();
  const streamCells = new Map<string, Map<number, StreamCell>>();
  // The current stream's cells and last cell: input comes in runs of one stream.
  let curStreamCells: Map<number, StreamCell> | null = null;
  let lastStreamBucket = NaN;
  let lastStreamCell: StreamCell | null = null;
  const levelCache = new Map<string, LevelClass | null>();
  const sessionRe = opts.sessionKey ?? null;
  const tracker: SessionTracker | null = sessionRe ? createSessionTracker({ orderedInput: opts.orderedInput ?? false }) : null;
  let lines = 0;
  let from: number | null = null;
  let to: number | null = null;
  let lastTs: number | null = null;
  let lastTotalsBucket = NaN;
  let lastTotals: TotalsCell | null = null;
  let lastStream = '';
  let bucketStart = NaN;

  // Lines of one stream mostly share a level string: compare with the last one before the Map.
  let lastLevel: string | undefined;
  let lastLevelClass: LevelClass | null = null;
  function levelOf(level: string | undefined, textLevel: LevelClass): LevelClass {
    if (level === undefined) return textLevel;
    if (level !== lastLevel) {
      let c = levelCache.get(level);
      if (c === undefined) {
        c = levelClassOf(level);
        if (levelCache.size < 1000) levelCache.set(level, c);
      }
      lastLevel = level;
      lastLevelClass = c;
    }
    return lastLevelClass ?? textLevel;
  }

  const textLevels = new Map<string, LevelClass>();
  const resolveVariant = createVariantResolver(baseline);
  /**
   * Miner id -> the accumulator the engine counts it under (its own, or the known template's it
   * is a variant of) and that template's level class: one Map lookup per line instead of three.
   */
  const slots = new Map<string, Slot>();
  function slotFor(minedId: string, template: string, stream: string): Slot {
    const id = !baseline || minedId in baseline.templates ? minedId : (resolveVariant(template) ?? minedId);
    let acc = templates.get(id);
    if (!acc) {
      acc = {
        id,
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- ids other than the mined one come from the baseline
        template: id === minedId ? template : baseline!.templates[id].template,
        count: 0,
        errors: 0,
        level: LevelClass.normal,
        firstSeen: null,
        lastSeen: null,
        firstStream: stream,
        samples: [],
        buckets: new Map(),
        lastBucket: NaN,
        lastCell: null,
      };
      templates.set(id, acc);
      textLevels.set(id, levelClassOfText(acc.template));
    }
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- textLevels gets an entry for every template id before slots are made
    const slot = { acc, textLevel: textLevels.get(id)! };
    slots.set(minedId, slot);
    return slot;
  }

  // The end of a run in phases: finish() runs them at once, finishPaced() lets the event loop in between.
  function* finishing(): Generator<void, EngineResult> {
    // counters taken under ids the miner has since merged move to the surviving id
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- checked on the same line
    const resolve = miner.resolve ? (id: string) => miner.resolve!(id) : (id: string) => id;
    foldMergedTemplates(templates, resolve, (id) => miner.template(id));
    if (baseline) foldMergedBaseline(baseline, resolve);
    const run: RunStats = { lines, bucketMs: B, from, to, templates, totals, streams: [...streams].sort(), streamCells };
    const input: DetectorInput = { run, baseline, config };
    const enabled = (k: AnomalyKind) => opts.detect !== false && config.rules.kinds[k]?.enabled !== false;
    const found: Anomaly[] = [];
    yield;
    if (enabled('new_template')) found.push(...detectNewTemplates(input));
    if (enabled('rare_template')) found.push(...detectRareTemplates(input));
    yield;
    const freq = detectFrequency(input).filter((a) => enabled(a.kind));
    found.push(...freq);
    yield;
    if (enabled('error_rate_surge')) found.push(...detectErrorRate(input));
    if (enabled('stream_silence')) found.push(...detectStreamSilence(input));
    yield;
    let sessions: SessionModelData | null = null;
    if (tracker) {
      const closed = tracker.finish();
      yield;
      const sigs = foldMergedSessions(closed, resolve);
      yield;
      sessions = toModelData(sigs);
      yield;
      if (enabled('session_anomaly')) {
        const text = (id: string) => templates.get(id)?.template ?? miner.template(id) ?? id;
        found.push(...detectSessions(sigs, baseline?.sessions ?? null, text));
      }
    }
    yield;
    found.sort((a, b) => b.score - a.score || (a.firstSeen ?? 0) - (b.firstSeen ?? 0) || (a.id < b.id ? -1 : 1));
    const doc: AnomaliesDoc = {
      schema: ANOMALIES_SCHEMA,
      version: ANOMALIES_VERSION,
      generatedAt: (opts.now?.() ?? new Date()).toISOString(),
      detector: { name: DETECTOR_NAME, version: DETECTOR_VERSION },
      input: { lines, streams: run.streams, from, to, templates: templates.size },
      baseline: baseline ? { lines: baseline.lines, templates: Object.keys(baseline.templates).length, source: baseline.source } : null,
      bucketSeconds: config.thresholds.bucketSeconds,
      histogram: buildHistogram(run, found),
      anomalies: found,
      incidents: groupIncidents(found, config.thresholds.bucketSeconds),
    };
    const counts = new Map([...templates.values()].map((t) => [t.id, t.count]));
    const all = miner.templates().map((t) => ({ id: t.id, template: templates.get(t.id)?.template ?? t.template, count: counts.get(t.id) ?? 0 }));
    return { doc, run, sessions, templates: all };
  }

  return {
    get lines() {
      return lines;
    },
    push(line) {
      lines++;
      if (line.stream !== lastStream || curStreamCells === null) {
        streams.add(line.stream);
        lastStream = line.stream;
        curStreamCells = streamCells.get(line.stream) ?? null;
        if (curStreamCells === null) streamCells.set(line.stream, (curStreamCells = new Map<number, StreamCell>()));
        lastStreamBucket = NaN;
      }
      // A line without a timestamp (a stack-trace continuation, say) belongs with the line before it.
      const ts = line.timestamp ?? lastTs;
      if (line.timestamp !== null) {
        lastTs = line.timestamp;
        if (from === null || line.timestamp < from) from = line.timestamp;
        if (to === null || line.timestamp > to) to = line.timestamp;
      }
      // the message where it lies in the raw line when the parser says so: a flat string reads faster
      const at = line.contentStart ?? -1;
      const mined = at >= 0 ? miner.add(line.raw, at) : miner.add(line.content);
      const slot = slots.get(mined.templateId) ?? slotFor(mined.templateId, mined.template, line.stream);
      const acc = slot.acc;
      if (acc.id === mined.templateId && acc.template !== mined.template) acc.template = mined.template;
      const lc = levelOf(line.level, slot.textLevel);
      const problem = lc !== LevelClass.normal ? 1 : 0;
      acc.count++;
      acc.errors += problem;
      if (lc > acc.level) acc.level = lc;
      if (ts !== null) {
        if (acc.firstSeen === null || ts < acc.firstSeen) acc.firstSeen = ts;
        if (acc.lastSeen === null || ts > acc.lastSeen) acc.lastSeen = ts;
      }
      // One sample object per line at most, made only when some list still has room for it.
      let sample: AnomalySample | null = null;
      if (acc.samples.length < SAMPLES_PER_TEMPLATE) acc.samples.push((sample = sampleOf(line, ts)));
      if (ts !== null) {
        // The bucket of the line before, when ts is in it: saves a floating-point modulo per line.
        // Only for whole milliseconds, where the formula below gives exactly the bucket's start.
        let b: number;
        if (ts >= bucketStart && ts < bucketStart + B && ts === Math.floor(ts)) b = bucketStart;
        else {
          b = ts - (((ts % B) + B) % B);
          if (ts === Math.floor(ts)) bucketStart = b;
        }
        let cell: BucketCell | null | undefined = acc.lastBucket === b ? acc.lastCell : acc.buckets.get(b);
        if (!cell) {
          cell = { n: 0, errors: 0, samples: [], last: ts };
          acc.buckets.set(b, cell);
        }
        acc.lastBucket = b;
        acc.lastCell = cell;
        cell.n++;
        cell.errors += problem;
        if (ts > cell.last) cell.last = ts;
        if (cell.samples.length < SAMPLES_PER_CELL) cell.samples.push(sample ?? sampleOf(line, ts));
        let t = lastTotalsBucket === b ? lastTotals : totals.get(b);
        if (!t) {
          t = { n: 0, errors: 0, first: ts, last: ts };
          totals.set(b, t);
        }
        lastTotalsBucket = b;
        lastTotals = t;
        t.n++;
        t.errors += problem;
        if (ts > t.last) t.last = ts;
        else if (ts < t.first) t.first = ts;
        let sc = lastStreamBucket === b ? lastStreamCell : curStreamCells.get(b);
        if (!sc) {
          sc = { n: 0, first: ts, last: ts };
          curStreamCells.set(b, sc);
        }
        lastStreamBucket = b;
        lastStreamCell = sc;
        sc.n++;
        if (ts > sc.last) sc.last = ts;
        else if (ts < sc.first) sc.first = ts;
      }
      if (tracker) {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the session branch runs only when a session pattern is configured
        const m = sessionRe!.exec(line.content);
        if (m) tracker.add(m[1] ?? m[0], acc.id, line, ts);
      }
    },
    finish() {
      const steps = finishing();
      for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
    },
    async finishPaced(pacer) {
      const steps = finishing();
      for (let r = steps.next(); ; r = steps.next()) {
        if (r.done) return r.value;
        await pacer.maybePause();
      }
    },
  };
}

/** Cells the baseline must not learn: the buckets of frequency findings. */
export function flaggedCells(doc: AnomaliesDoc): Set<string> {
  const out = new Set<string>();
  for (const a of doc.anomalies) {
    if (a.bucket === undefined || a.lastSeen === null) continue;
    if (a.kind !== 'frequency_spike' && a.kind !== 'frequency_drop' && a.kind !== 'silence' && a.kind !== 'stream_silence') continue;
    const B = doc.bucketSeconds * 1000;
    for (let b = a.bucket; b <= a.lastSeen; b += B) out.add(`${a.templateId}:${b}`);
  }
  return out;
}
