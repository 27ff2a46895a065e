/**
 * The mutes file (`mutes.json` next to the baseline model): checked on load so a hand edit that
 * breaks it fails with its path and field, written atomically. Two `mute` commands at once: the
 * later rename wins and the earlier entry is lost, which the command reports by re-reading.
 */
import { readFile } from 'node:fs/promises';
import { AnomalyKind } from '../../config/detection-types.js';
import { ErrorCode, PipelineError, errnoCode, messageOf } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { MUTES_SCHEMA, MUTES_VERSION, emptyMutes, type MuteEntry, type MutesDoc } from '../mutes.js';
import { jsonProblem } from '../../util/json-problem.js';

const KINDS = new Set<string>(Object.values(AnomalyKind));

function invalid(path: string, field: string, problem: string): PipelineError {
  return new PipelineError(ErrorCode.INPUT_INVALID, `${path}${field ? ` ${field}` : ''}: ${problem}`, { details: { file: path, field } });
}

export async function loadMutes(path: string): Promise<MutesDoc> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return emptyMutes();
    throw new PipelineError(ErrorCode.IO, `cannot read mutes file ${path}: ${messageOf(err)}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(path, '', `not JSON (${jsonProblem(err)})`);
  }
  return checkMutes(value, path);
}

export function checkMutes(value: unknown, path: string): MutesDoc {
  const m = value as Record<string, unknown> | null;
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw invalid(path, '', 'expected a JSON object');
  if (m.schema !== MUTES_SCHEMA) throw invalid(path, 'schema', `expected "${MUTES_SCHEMA}", got ${JSON.stringify(m.schema)}`);
  if (m.version !== MUTES_VERSION) throw invalid(path, 'version', `expected ${MUTES_VERSION}, got ${JSON.stringify(m.version)}`);
  if (!Array.isArray(m.entries)) throw invalid(path, 'entries', 'expected an array');
  m.entries.forEach((e: Record<string, unknown>, i: number) => {
    const at = `entries[${i}]`;
    if (!e || typeof e !== 'object') throw invalid(path, at, 'expected an object');
    if (typeof e.id !== 'string') throw invalid(path, `${at}.id`, 'expected a string');
    if (e.action !== 'mute' && e.action !== 'accept') throw invalid(path, `${at}.action`, `expected "mute" or "accept", got ${JSON.stringify(e.action)}`);
    if (typeof e.templateId !== 'string' && typeof e.template !== 'string') throw invalid(path, at, 'expected templateId or template');
    if (e.kind !== undefined && (typeof e.kind !== 'string' || !KINDS.has(e.kind))) throw invalid(path, `${at}.kind`, `expected one of ${[...KINDS].join(', ')}`);
    if (typeof e.reason !== 'string') throw invalid(path, `${at}.reason`, 'expected a string');
    if (e.until !== undefined && (typeof e.until !== 'string' || Number.isNaN(Date.parse(e.until)))) throw invalid(path, `${at}.until`, 'expected an ISO time');
  });
  return { schema: MUTES_SCHEMA, version: MUTES_VERSION, entries: (m.entries as MuteEntry[]).map((e) => ({ ...e, origin: 'mutes file' })) };
}

export async function saveMutes(path: string, doc: MutesDoc): Promise<void> {
  // `origin` is where an entry was read from, not part of the file.
  await writeJsonAtomic(path, { ...doc, entries: doc.entries.map(({ origin: _origin, ...e }) => e) });
}
