/**
 * Validation of anomalies.json written by an external `detector.command` (or read back from
 * disk). Errors name the file and the JSON path: `out.json anomalies[3].severity: expected one of
 * info, low, medium, high, critical, got "urgent"`. Document-level bookkeeping fields an external
 * tool may not know (generatedAt, detector, input, histogram...) are filled in when absent; every
 * anomaly must be complete.
 */
import { ANOMALIES_READABLE_VERSIONS, ANOMALIES_SCHEMA, ANOMALIES_VERSION, type AnomaliesDoc, type Anomaly, type Incident } from './anomalies-schema.js';
import { groupIncidents } from './incidents.js';
import { AnomalyKind, SEVERITY_ORDER } from '../config/detection-types.js';
import { PipelineError, ErrorCode } from '../errors.js';

type Obj = Record<string, unknown>;

export class AnomaliesInvalid extends PipelineError {
  override name = 'AnomaliesInvalid';
  constructor(readonly file: string, readonly field: string, problem: string) {
    super(ErrorCode.DETECTOR_FAILED, `${file} ${field}: ${problem}`, { retryable: false, details: { file, field } });
  }
}

const KINDS = new Set<string>(Object.values(AnomalyKind));
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 80));

export function validateAnomaliesDoc(value: unknown, file: string, defaults: Partial<AnomaliesDoc> = {}): AnomaliesDoc {
  const fail = (field: string, problem: string): never => {
    throw new AnomaliesInvalid(file, field, problem);
  };
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  const num = (o: Obj, k: string, path: string, nullable = false) => {
    const v = o[k];
    if (nullable && v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${k}`, `expected a number${nullable ? ' or null' : ''}, got ${show(v)}`);
  };
  const str = (o: Obj, k: string, path: string) => {
    if (typeof o[k] !== 'string') fail(`${path}.${k}`, `expected a string, got ${show(o[k])}`);
  };
  if (!isObj(value)) return fail('(document)', `expected a JSON object, got ${show(value)}`);
  if (value.schema !== ANOMALIES_SCHEMA) fail('schema', `expected "${ANOMALIES_SCHEMA}", got ${show(value.schema)}`);
  if (typeof value.version !== 'number' || !ANOMALIES_READABLE_VERSIONS.includes(value.version)) fail('version', `expected one of ${ANOMALIES_READABLE_VERSIONS.join(', ')}, got ${show(value.version)}`);
  if (!Array.isArray(value.anomalies)) fail('anomalies', `expected an array, got ${show(value.anomalies)}`);
  const anomalies = value.anomalies as unknown[];
  anomalies.forEach((a, i) => {
    const p = `anomalies[${i}]`;
    if (!isObj(a)) return fail(p, `expected an object, got ${show(a)}`);
    for (const k of ['id', 'template', 'templateId', 'explanation']) str(a, k, p);
    if (typeof a.kind !== 'string' || !KINDS.has(a.kind)) fail(`${p}.kind`, `expected one of ${[...KINDS].join(', ')}, got ${show(a.kind)}`);
    if (typeof a.severity !== 'string' || !(SEVERITY_ORDER as readonly string[]).includes(a.severity)) {
      fail(`${p}.severity`, `expected one of ${SEVERITY_ORDER.join(', ')}, got ${show(a.severity)}`);
    }
    num(a, 'score', p);
    num(a, 'count', p);
    num(a, 'expected', p, true);
    num(a, 'firstSeen', p, true);
    num(a, 'lastSeen', p, true);
    if (a.stream !== undefined) str(a, 'stream', p);
    if (a.bucket !== undefined) num(a, 'bucket', p);
    if (a.session !== undefined) str(a, 'session', p);
    if (!Array.isArray(a.samples)) fail(`${p}.samples`, `expected an array, got ${show(a.samples)}`);
    (a.samples as unknown[]).forEach((s, j) => {
      const sp = `${p}.samples[${j}]`;
      if (!isObj(s)) return fail(sp, `expected an object, got ${show(s)}`);
      str(s, 'line', sp);
      str(s, 'stream', sp);
      num(s, 'lineNo', sp);
      num(s, 'timestamp', sp, true);
    });
  });
  if (value.histogram !== undefined) {
    const h = value.histogram;
    if (!isObj(h)) fail('histogram', `expected an object, got ${show(h)}`);
    const ho = h as Obj;
    num(ho, 'start', 'histogram', true);
    num(ho, 'bucketSeconds', 'histogram');
    if (!Array.isArray(ho.counts) || ho.counts.some((c) => typeof c !== 'number')) fail('histogram.counts', 'expected an array of numbers');
    if (!Array.isArray(ho.anomalous) || ho.anomalous.some((c) => typeof c !== 'boolean')) fail('histogram.anomalous', 'expected an array of booleans');
    if ((ho.counts as unknown[]).length !== (ho.anomalous as unknown[]).length) fail('histogram.anomalous', 'expected as many entries as histogram.counts');
  }
  if (value.bucketSeconds !== undefined) num(value, 'bucketSeconds', '(document)');
  const bucketSeconds = (value.bucketSeconds as number | undefined) ?? defaults.bucketSeconds ?? 300;
  const ids = new Set((anomalies as Anomaly[]).map((a) => a.id));
  let incidents: Incident[];
  if (value.incidents === undefined) incidents = groupIncidents(anomalies as Anomaly[], bucketSeconds);
  else {
    if (!Array.isArray(value.incidents)) fail('incidents', `expected an array, got ${show(value.incidents)}`);
    (value.incidents as unknown[]).forEach((inc, i) => {
      const p = `incidents[${i}]`;
      if (!isObj(inc)) return fail(p, `expected an object, got ${show(inc)}`);
      for (const k of ['id', 'title', 'trigger']) str(inc, k, p);
      if (!Array.isArray(inc.findings) || inc.findings.some((f) => typeof f !== 'string' || !ids.has(f))) fail(`${p}.findings`, 'expected an array of the ids of anomalies in this document');
      if (!ids.has(inc.trigger as string)) fail(`${p}.trigger`, `expected the id of an anomaly in this document, got ${show(inc.trigger)}`);
    });
    incidents = value.incidents as Incident[];
  }
  if (value.notices !== undefined) {
    if (!Array.isArray(value.notices)) fail('notices', `expected an array, got ${show(value.notices)}`);
    (value.notices as unknown[]).forEach((n, i) => {
      if (!isObj(n)) return fail(`notices[${i}]`, `expected an object, got ${show(n)}`);
      str(n, 'code', `notices[${i}]`);
      str(n, 'message', `notices[${i}]`);
    });
  }
  return {
    schema: ANOMALIES_SCHEMA,
    version: ANOMALIES_VERSION,
    generatedAt: typeof value.generatedAt === 'string' ? value.generatedAt : (defaults.generatedAt ?? new Date().toISOString()),
    detector: isObj(value.detector) && typeof value.detector.name === 'string' ? (value.detector as AnomaliesDoc['detector']) : (defaults.detector ?? { name: 'external', version: 'unknown' }),
    input: isObj(value.input) ? (value.input as unknown as AnomaliesDoc['input']) : (defaults.input ?? { lines: 0, streams: [], from: null, to: null, templates: 0 }),
    baseline: isObj(value.baseline) ? (value.baseline as unknown as AnomaliesDoc['baseline']) : (defaults.baseline ?? null),
    bucketSeconds,
    histogram: (value.histogram as AnomaliesDoc['histogram'] | undefined) ?? defaults.histogram ?? { start: null, bucketSeconds, counts: [], anomalous: [] },
    anomalies: anomalies as Anomaly[],
    incidents,
    ...(value.notices !== undefined ? { notices: value.notices as AnomaliesDoc['notices'] } : {}),
  };
}
