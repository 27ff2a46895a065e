/**
 * execute_logAnomaly. Built-in: stream the events NDJSON through the detection engine against the
 * baseline model (loaded from `detector.modelPath`, or learned from `detector.baseline` log files),
 * then persist the updated model. Or `detector.command`: see detect-external.ts. Either way the
 * step writes `<runDir>/anomalies.json` and `<runDir>/templates.csv`, atomically.
 *
 * Errors: bad events lines and bad model files are INPUT_INVALID, bad regexes CONFIG_INVALID
 * (never retried: retrying cannot fix them); read failures are IO; anything unexpected inside the
 * engine is DETECTOR_FAILED, not retryable (the same input fails the same way).
 */
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { DetectInput, DetectOutput } from '../contracts.js';
import type { ServiceContext } from './context.js';
import { PipelineError, ErrorCode, throwIfAborted, messageOf } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { createLineParser, resolveFormat } from '../detector/format/index.js';
import { runDetector, loadModel, saveModel, readEvents, fileSource, mergeSources, templatesCsv, type AnomaliesDoc } from '../detector/index.js';
import { runExternalDetector } from './detect-external.js';
import { expandGlob } from './ingest/glob.js';
import { matchMute, muteId } from '../detector/mutes.js';
import type { Anomaly } from '../detector/anomalies-schema.js';
import { loadMutes } from '../detector/baseline/mutes-store.js';

export const ANOMALIES_FILE = 'anomalies.json';
export const TEMPLATES_FILE = 'templates.csv';
/** Without a modelPath the updated model is still kept, as an artifact of the run. */
export const RUN_MODEL_FILE = 'baseline-model.json';

export async function executeLogAnomaly(input: DetectInput, ctx: ServiceContext): Promise<DetectOutput> {
  throwIfAborted(ctx.signal, 'execute_logAnomaly');
  const anomaliesFile = join(input.runDir, ANOMALIES_FILE);
  const templatesFile = join(input.runDir, TEMPLATES_FILE);
  if (input.detector.type === 'command') {
    const r = await runExternalDetector(input, input.detector, ctx, { anomaliesFile, templatesFile });
    ctx.artifact({ name: ANOMALIES_FILE, uri: anomaliesFile });
    ctx.artifact({ name: TEMPLATES_FILE, uri: templatesFile });
    return { anomaliesFile, templatesFile, lines: r.doc.input.lines, templates: r.templates, anomalies: r.doc.anomalies.length };
  }

  const d = input.detector;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(input.baseDir, p));
  const modelPath = d.modelPath ? at(d.modelPath) : null;
  const model = modelPath ? await loadModel(modelPath) : null;
  const baselineFiles = model ? [] : await expandPaths((d.baseline ?? []).map(at));
  if (model) ctx.log.info('baseline model loaded', { path: modelPath, lines: model.lines, templates: Object.keys(model.templates).length });
  else if (baselineFiles.length > 0) ctx.log.info('learning baseline from log files', { files: baselineFiles.length });
  else ctx.log.info('no baseline: only rare templates, error-rate surges and session anomalies can be found; this run becomes the baseline');

  if (!input.format && baselineFiles.length > 0) {
    ctx.log.warn('no log format given for detector.baseline files: reading them as raw lines (no timestamps, so no rates); pass the pipeline format in DetectInput.format');
  }
  // `auto` is resolved on the first baseline file (the events file is already parsed)
  const format = input.format?.type === 'auto' ? (baselineFiles.length > 0 ? (await resolveFormat(input.format, baselineFiles[0], ctx.signal)).format : { type: 'raw' as const }) : (input.format ?? { type: 'raw' as const });
  const parser = createLineParser(format);
  let result;
  try {
    result = await runDetector([(signal) => readEvents(input.eventsFile, signal)], {
      config: input.config,
      masks: d.masks,
      sessionKey: d.sessionKey ?? null,
      model,
      baselineSources: baselineFiles.length > 0 ? [mergeSources(baselineFiles.map((f) => fileSource(f, parser, undefined, { rawFormat: format.type === 'raw' })))] : [],
      baselineLabel: baselineFiles.length > 0 ? `baseline logs: ${baselineFiles.map((f) => basename(f)).join(', ')}` : undefined,
      maxTemplates: d.maxTemplates,
      signal: ctx.signal,
      settingsFile: 'settings',
      fieldPrefix: 'detector',
      accepted: await acceptedMatcher(input),
      onProgress: (lines, phase) => ctx.progress({ unit: 'lines', current: lines, label: phase === 'baseline' ? 'learning baseline' : 'detecting' }),
    });
  } catch (err) {
    if (err instanceof PipelineError) throw err;
    throw new PipelineError(ErrorCode.DETECTOR_FAILED, `detector failed: ${messageOf(err)}`, { cause: err, retryable: false });
  }
  throwIfAborted(ctx.signal, 'execute_logAnomaly');
  await writeJsonAtomic(anomaliesFile, result.doc);
  await writeFileAtomic(templatesFile, templatesCsv(result.templates.filter((t) => t.count > 0)));
  const modelOut = modelPath ?? join(input.runDir, RUN_MODEL_FILE);
  await saveModel(modelOut, result.model);
  ctx.artifact({ name: ANOMALIES_FILE, uri: anomaliesFile });
  ctx.artifact({ name: TEMPLATES_FILE, uri: templatesFile });
  logSummary(result.doc, ctx, modelOut);
  return {
    anomaliesFile,
    templatesFile,
    lines: result.doc.input.lines,
    templates: result.doc.input.templates,
    anomalies: result.doc.anomalies.length,
  };
}

/** Findings an active accept covers (mutes file or detection config): the model learns them as normal. */
async function acceptedMatcher(input: DetectInput): Promise<((f: Pick<Anomaly, 'kind' | 'templateId' | 'template'>) => boolean) | undefined> {
  const fromFile = input.mutesFile ? (await loadMutes(input.mutesFile)).entries : [];
  const accepts = [...input.config.mutes.map((m) => ({ ...m, id: muteId(m), createdAt: '' })), ...fromFile].filter((m) => m.action === 'accept');
  if (accepts.length === 0) return undefined;
  const now = Date.now();
  return (f) => matchMute(f, accepts, now) !== undefined;
}

function logSummary(doc: AnomaliesDoc, ctx: ServiceContext, modelOut: string): void {
  const bySeverity: Record<string, number> = {};
  for (const a of doc.anomalies) bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + 1;
  ctx.log.info(`${doc.anomalies.length} anomalies in ${doc.input.lines} lines`, { templates: doc.input.templates, ...bySeverity });
  // what could not be checked (no input, an empty or too short baseline) must not read as "all clear"
  for (const n of doc.notices ?? []) ctx.log.warn(n.message, { notice: n.code });
  ctx.log.info('baseline model updated', { path: modelOut });
}

/**
 * `detector.baseline` entries by the rule `source.paths` follows (ingest/glob.ts): a file, a
 * directory read recursively, or a glob; sorted. An entry that matches nothing is an error naming it.
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const hits = await expandGlob(p, '/');
    if (hits.length === 0) throw new PipelineError(ErrorCode.NOT_FOUND, `detector.baseline: no file matches ${p}`);
    out.push(...hits);
  }
  return out;
}
