/**
 * Incidents: findings that are one event in the world, grouped so a person reads "the payments pool
 * was exhausted" once instead of six findings, with the probable trigger first.
 *
 * Two findings belong to one incident when their time spans overlap (with one bucket of slack) and
 * they share something that ties them causally:
 *  - the same template, or one template's words mostly contained in the other's (a family);
 *  - a session or request key (the session field, or an id-like token both have in their samples);
 *  - the same stream with onsets within one bucket of each other (things that broke together),
 *    unless one of them only continues an earlier finding of the same template.
 * A shared stream alone is not enough: in a one-stream log everything would be one incident.
 *
 * Pure and deterministic: the same findings give the same incidents and ids on every run.
 */
import { createHash } from 'node:crypto';
import { SEVERITY_ORDER, type AnomalyKind, type Severity } from '../config/detection-types.js';
import type { Anomaly, Incident } from './anomalies-schema.js';

/** What grouping needs of a finding; reported findings (with rule severities) fit too. */
export type IncidentInput = Pick<Anomaly, 'id' | 'kind' | 'severity' | 'template' | 'templateId' | 'count' | 'firstSeen' | 'lastSeen' | 'stream' | 'samples' | 'session'>;

/**
 * When onsets fall in the same bucket, the more specific kind is the likelier cause: a message
 * never seen before says what broke; a rate or a session shape says that something did.
 */
const KIND_CAUSALITY: Readonly<Record<AnomalyKind, number>> = {
  new_template: 0,
  rare_template: 1,
  frequency_spike: 2,
  frequency_drop: 3,
  silence: 4,
  error_rate_surge: 5,
  session_anomaly: 6,
  // A stream that stopped says where, not what: the message before the silence says more.
  stream_silence: 4,
};

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

/**
 * When this finding first showed. Per-bucket kinds carry the bucket start as firstSeen, which is
 * earlier than any of their lines; their first sample line dates them better.
 */
export function onsetOf(f: IncidentInput): number | null {
  // Session samples are the session's first lines, not the anomalous ones: they do not date it.
  if (f.kind === 'session_anomaly') return f.firstSeen;
  let first: number | null = null;
  for (const s of f.samples) {
    if (s.timestamp === null || (f.firstSeen !== null && s.timestamp < f.firstSeen)) continue;
    if (first === null || s.timestamp < first) first = s.timestamp;
  }
  return first ?? f.firstSeen;
}

const WORD = /[A-Za-z][A-Za-z_-]{2,}/g;
/** Words of a template outside its parameters, lower-cased. */
function templateWords(template: string): Set<string> {
  const out = new Set<string>();
  for (const token of template.split(/\s+/)) {
    if (token.includes('<*>')) {
      // `error=pool_exhausted` keeps its value; `req=<*>` only its key.
      const key = token.split('=')[0] ?? '';
      if (!key.includes('<*>')) for (const w of key.match(WORD) ?? []) out.add(w.toLowerCase());
      continue;
    }
    for (const w of token.match(WORD) ?? []) out.add(w.toLowerCase());
  }
  return out;
}

/** Id-like tokens in samples: hex of 8+, UUIDs, and values of req/request/trace/span/session keys. */
const ID_TOKEN = /\b(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{12,}|blk_-?\d+)\b|\b(?:req(?:uest)?[_-]?id|req|trace[_-]?id|span[_-]?id|session[_-]?id|correlation[_-]?id|txn)[=:]\s*"?([A-Za-z0-9._-]{6,})/gi;
function sampleKeys(f: IncidentInput): Set<string> {
  const out = new Set<string>();
  if (f.session !== undefined) out.add(f.session.toLowerCase());
  for (const s of f.samples) {
    // Bounded: a sample line may be long; the ids that tie requests together sit near the start.
    for (const m of s.line.slice(0, 2000).matchAll(ID_TOKEN)) out.add((m[1] ?? m[0]).toLowerCase());
  }
  return out;
}

function overlapShare(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.min(a.size, b.size);
}

/** The finding's stream, or its samples' one when they agree (external detectors may omit it). */
function streamOf(f: IncidentInput): string | undefined {
  if (f.stream !== undefined) return f.stream;
  const streams = new Set(f.samples.map((s) => s.stream));
  return streams.size === 1 && f.kind !== 'session_anomaly' ? [...streams][0] : undefined;
}

interface Node {
  readonly f: IncidentInput;
  readonly stream: string | undefined;
  readonly onset: number | null;
  readonly end: number | null;
  readonly words: Set<string>;
  readonly keys: Set<string>;
  /** An earlier finding has the same template: this one goes on from it rather than starting anything. */
  continuation: boolean;
}

function linked(a: Node, b: Node, slackMs: number): boolean {
  if (a.onset !== null && b.onset !== null) {
    const aEnd = a.end ?? a.onset;
    const bEnd = b.end ?? b.onset;
    if (a.onset > bEnd + slackMs || b.onset > aEnd + slackMs) return false;
  }
  if (a.f.templateId === b.f.templateId) return true;
  for (const k of a.keys) if (b.keys.has(k)) return true;
  if (overlapShare(a.words, b.words) >= 0.75 && Math.min(a.words.size, b.words.size) >= 2) return true;
  // Two things that started together on one stream; a continuation of an earlier finding started
  // nothing, so it does not pull in whatever else began in its bucket.
  if (a.continuation || b.continuation) return false;
  const sameStream = a.stream !== undefined && a.stream === b.stream;
  return sameStream && a.onset !== null && b.onset !== null && Math.abs(a.onset - b.onset) <= slackMs;
}

/** Order inside an incident: earliest onset bucket, then the more specific kind, then time, then severity. */
function byOnset(slackMs: number) {
  return (x: Node, y: Node): number => {
    const bx = x.onset === null ? Infinity : Math.floor(x.onset / slackMs);
    const by = y.onset === null ? Infinity : Math.floor(y.onset / slackMs);
    if (bx !== by) return bx - by;
    const kx = KIND_CAUSALITY[x.f.kind] - KIND_CAUSALITY[y.f.kind];
    if (kx !== 0) return kx;
    const tx = (x.onset ?? Infinity) - (y.onset ?? Infinity);
    if (tx !== 0 && Number.isFinite(tx)) return tx;
    return rank(y.f.severity) - rank(x.f.severity) || x.f.id.localeCompare(y.f.id);
  };
}

/**
 * `db connection pool exhausted` from `req=<*> db connection pool exhausted: timed out after <*> ...`:
 * the constant words up to the first clause break (`:`, `,`, `;`, an opening parenthesis).
 */
export function headline(template: string, max = 60): string {
  const words: string[] = [];
  for (const token of template.split(/\s+/)) {
    if (token === '') continue;
    const breaks = /[:;,]$/.test(token) || token.startsWith('(');
    if (breaks && words.length + (token.includes('<*>') || token.startsWith('(') ? 0 : 1) >= 2) {
      if (!token.includes('<*>') && !token.startsWith('(')) words.push(token.replace(/[:;,]+$/, ''));
      break;
    }
    if (!token.includes('<*>')) words.push(token);
  }
  let text = words.join(' ').replace(/[:;,.]+$/, '');
  // Too few words to say anything ("POST from"): the template itself says more.
  if (words.length < 3 && words.join(' ') !== template.trim()) text = template.trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function incidentId(trigger: IncidentInput): string {
  return `inc-${createHash('sha256').update(`${trigger.kind}\0${trigger.templateId}\0${trigger.stream ?? ''}`).digest('hex').slice(0, 12)}`;
}

/**
 * Groups findings into incidents, most severe first, then earliest onset (the first symptom is
 * usually the cause), then volume. `bucketSeconds` is the slack for "at the same time".
 */
export function groupIncidents(findings: readonly IncidentInput[], bucketSeconds: number): Incident[] {
  const slackMs = Math.max(1, bucketSeconds) * 1000;
  const nodes: Node[] = findings.map((f) => {
    const onset = onsetOf(f);
    return { f, stream: streamOf(f), onset, end: f.lastSeen ?? onset, words: templateWords(f.template), keys: sampleKeys(f), continuation: false };
  });
  const firstBucket = new Map<string, number>();
  for (const n of nodes) {
    if (n.onset === null) continue;
    const b = Math.floor(n.onset / slackMs);
    firstBucket.set(n.f.template, Math.min(b, firstBucket.get(n.f.template) ?? Infinity));
  }
  for (const n of nodes) n.continuation = n.onset !== null && Math.floor(n.onset / slackMs) > (firstBucket.get(n.f.template) ?? Infinity);
  const parent = nodes.map((_, i) => i);
  const find = (i: number): number => {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- union-find: parent maps every index to an index
    while (parent[i] !== i) i = parent[i] = parent[parent[i]]!;
    return i;
  };
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      if (find(i) !== find(j) && linked(nodes[i], nodes[j], slackMs)) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, Node[]>();
  nodes.forEach((n, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(n);
    else groups.set(root, [n]);
  });
  const order = byOnset(slackMs);
  const incidents = [...groups.values()].map((members) => {
    members.sort(order);
    const trigger = members[0].f;
    const severity = members.reduce<Severity>((s, m) => (rank(m.f.severity) > rank(s) ? m.f.severity : s), 'info');
    const onsets = members.map((m) => m.onset).filter((t): t is number => t !== null);
    const ends = members.map((m) => m.end).filter((t): t is number => t !== null);
    const streams = [...new Set(members.map((m) => m.stream).filter((s): s is string => s !== undefined))].sort();
    const where = members[0].stream ?? streams[0];
    const incident: Incident = {
      id: incidentId(trigger),
      title: `${where !== undefined ? `${where}: ` : ''}${headline(trigger.template)}`,
      severity,
      trigger: trigger.id,
      findings: members.map((m) => m.f.id),
      streams,
      onset: onsets.length > 0 ? Math.min(...onsets) : null,
      end: ends.length > 0 ? Math.max(...ends) : null,
      volume: members.reduce((n, m) => n + m.f.count, 0),
    };
    return incident;
  });
  incidents.sort(
    (a, b) =>
      rank(b.severity) - rank(a.severity) ||
      (a.onset ?? Infinity) - (b.onset ?? Infinity) ||
      b.volume - a.volume ||
      a.id.localeCompare(b.id),
  );
  return dedupeIds(incidents);
}

/** Two incidents triggered by the same template (twice in a window) keep distinct ids. */
function dedupeIds(incidents: Incident[]): Incident[] {
  const seen = new Map<string, number>();
  return incidents.map((inc) => {
    const n = (seen.get(inc.id) ?? 0) + 1;
    seen.set(inc.id, n);
    return n === 1 ? inc : { ...inc, id: `${inc.id}-${n}` };
  });
}
