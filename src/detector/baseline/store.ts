/**
 * The model file: JSON, written atomically (temp + rename) so a crash mid-write leaves the old
 * model, and checked on load so a hand-edited or foreign file fails with its path and field.
 */
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { PipelineError, ErrorCode, errnoCode, messageOf } from '../../errors.js';
import { BASELINE_SCHEMA, BASELINE_VERSION, type BaselineModel } from './model.js';
import { emptyRhythm, type Rhythm } from './rhythm.js';
import { jsonProblem } from '../../util/json-problem.js';

export async function loadModel(path: string): Promise<BaselineModel | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw new PipelineError(ErrorCode.IO, `cannot read baseline model ${path}: ${messageOf(err)}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(path, '', `not JSON (${jsonProblem(err)})`);
  }
  return checkModel(value, path);
}

export async function saveModel(path: string, model: BaselineModel): Promise<void> {
  await writeJsonAtomic(path, model);
}

function invalid(path: string, field: string, problem: string): PipelineError {
  return new PipelineError(ErrorCode.INPUT_INVALID, `${path}${field ? ` ${field}` : ''}: ${problem}`, { details: { file: path, field } });
}

export function checkModel(value: unknown, path: string): BaselineModel {
  const m = value as Record<string, unknown>;
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw invalid(path, '', 'expected a JSON object');
  if (m.schema !== BASELINE_SCHEMA) throw invalid(path, 'schema', `expected "${BASELINE_SCHEMA}", got ${JSON.stringify(m.schema)}`);
  if (m.version === 1) migrateV1(m);
  if (m.version !== BASELINE_VERSION) throw invalid(path, 'version', `expected ${BASELINE_VERSION}, got ${JSON.stringify(m.version)} (delete the file to relearn)`);
  for (const f of ['bucketSeconds', 'lines', 'buckets'] as const) {
    if (typeof m[f] !== 'number' || !Number.isFinite(m[f]) || (m[f]) < 0) throw invalid(path, f, `expected a number >= 0, got ${JSON.stringify(m[f])}`);
  }
  if (!m.templates || typeof m.templates !== 'object') throw invalid(path, 'templates', 'expected an object');
  for (const [id, r] of Object.entries(m.templates as Record<string, Record<string, unknown>>)) {
    for (const f of ['sum', 'sumSq', 'present', 'total'] as const) {
      if (typeof r?.[f] !== 'number') throw invalid(path, `templates.${id}.${f}`, `expected a number, got ${JSON.stringify(r?.[f])}`);
    }
    if (typeof r.template !== 'string') throw invalid(path, `templates.${id}.template`, 'expected a string');
    checkRhythm(r.rhythm, path, `templates.${id}.rhythm`);
  }
  if (m.streams !== undefined) {
    if (!m.streams || typeof m.streams !== 'object' || Array.isArray(m.streams)) throw invalid(path, 'streams', 'expected an object');
    for (const [name, r] of Object.entries(m.streams as Record<string, Record<string, unknown>>)) {
      for (const f of ['sum', 'sumSq', 'present', 'total'] as const) {
        if (typeof r?.[f] !== 'number') throw invalid(path, `streams.${name}.${f}`, `expected a number, got ${JSON.stringify(r?.[f])}`);
      }
      checkRhythm(r.rhythm, path, `streams.${name}.rhythm`);
    }
  }
  checkRhythm(m.rhythm, path, 'rhythm');
  const x = m.exposure as Record<string, unknown> | undefined;
  if (!numbers(x?.hours, 24) || !numbers(x?.days, 7)) throw invalid(path, 'exposure', 'expected { hours: 24 numbers, days: 7 numbers }');
  const e = m.errors as Record<string, unknown> | undefined;
  for (const f of ['e', 't', 'ee', 'et', 'tt'] as const) {
    if (typeof e?.[f] !== 'number') throw invalid(path, `errors.${f}`, `expected a number, got ${JSON.stringify(e?.[f])}`);
  }
  return m as unknown as BaselineModel;
}

function numbers(v: unknown, length: number): boolean {
  return Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

function checkRhythm(v: unknown, path: string, field: string): void {
  const r = v as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') throw invalid(path, field, 'expected an object');
  for (const f of ['gaps', 'peaks'] as const) {
    const list = r[f];
    if (!Array.isArray(list) || !list.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number'))) {
      throw invalid(path, `${field}.${f}`, 'expected a list of [value, epochMs] pairs');
    }
  }
  if (!numbers(r.hours, 24) || !numbers(r.days, 7)) throw invalid(path, `${field}.hours`, 'expected 24 hour and 7 day counts');
}

/**
 * Version 1 models (rates only) still load: their rates and miner state are kept, and the rhythm
 * starts empty, so until new runs fill it detection behaves as it did with version 1 (nothing is
 * "seen before", no seasonality). Relearning from baseline logs gives the full model at once.
 */
function migrateV1(m: Record<string, unknown>): void {
  const fresh = (): Rhythm => emptyRhythm();
  for (const r of Object.values((m.templates ?? {}) as Record<string, Record<string, unknown>>)) {
    if (r && typeof r === 'object' && r.rhythm === undefined) r.rhythm = fresh();
  }
  m.rhythm = fresh();
  m.span = null;
  m.exposure = { hours: new Array(24).fill(0), days: new Array(7).fill(0) };
  m.version = 2;
}
