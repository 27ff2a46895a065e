/**
 * A CloudWatch source's settings checked and resolved into the query actually sent: the time
 * window as epoch milliseconds, each log group as a name or an ARN identifier, the stream filter.
 * Every problem names the settings field, because the run command can override the window from
 * the command line and the user must see which value was wrong.
 */
import { createHash } from 'node:crypto';
import type { CloudWatchSource } from '../../../config/settings-types.js';
import { ErrorCode, PipelineError } from '../../../errors.js';

export interface LogGroupRef {
  /** What the user wrote (name or ARN), for messages. */
  readonly spec: string;
  /** The group's name: the prefix of every stream name in the events file. */
  readonly name: string;
  /** FilterLogEvents takes a name as `logGroupName` and an ARN as `logGroupIdentifier`. */
  readonly param: { readonly logGroupName: string } | { readonly logGroupIdentifier: string };
}

export interface ResolvedQuery {
  readonly groups: readonly LogGroupRef[];
  readonly startTime: number;
  readonly endTime: number;
  readonly streamNames?: readonly string[];
  readonly streamPrefix?: string;
  readonly filterPattern?: string;
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([.\-_/#A-Za-z0-9]{1,512})(?::\*)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** FilterLogEvents accepts at most 100 stream names. */
const MAX_STREAM_NAMES = 100;

function invalid(field: string, problem: string): PipelineError {
  return new PipelineError(ErrorCode.SETTINGS_INVALID, `source.${field}: ${problem}`, { retryable: false, details: { field: `source.${field}` } });
}

/** `90s`, `30m`, `1h`, `2d`, `1w` -> milliseconds. */
export function parseSince(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!m || !(ms > 0)) throw invalid('since', `expected a positive duration such as 30m, 1h or 2d, got ${JSON.stringify(text)}`);
  return ms;
}

function parseIso(field: 'from' | 'to', text: string): number {
  const t = ISO.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(t)) {
    throw invalid(field, `expected an ISO-8601 time with a zone such as 2026-11-26T09:00:00Z, got ${JSON.stringify(text)}`);
  }
  return t;
}

/** The window in epoch ms: `since` ends now; `from` alone ends now; `to` needs a `from`. */
export function resolveTimeWindow(source: Pick<CloudWatchSource, 'since' | 'from' | 'to'>, now = Date.now()): { startTime: number; endTime: number } {
  const { since, from, to } = source;
  if (since !== undefined && (from !== undefined || to !== undefined)) {
    throw invalid('since', 'use either since or from/to, not both');
  }
  if (since !== undefined) return { startTime: now - parseSince(since), endTime: now };
  if (from === undefined) {
    throw invalid(to === undefined ? 'since' : 'from', to === undefined ? 'a time window is required: set since (e.g. 1h) or from/to (ISO-8601)' : 'to needs a from');
  }
  const startTime = parseIso('from', from);
  const endTime = to === undefined ? now : parseIso('to', to);
  if (endTime <= startTime) throw invalid('to', `must be after from (${from} .. ${to ?? 'now'})`);
  if (startTime > now) throw invalid('from', `${from} is in the future`);
  return { startTime, endTime };
}

export function parseLogGroup(spec: string, index: number): LogGroupRef {
  const s = spec.trim();
  if (s.startsWith('arn:')) {
    const m = GROUP_ARN.exec(s);
    if (!m) throw invalid(`logGroups[${index}]`, `not a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>): ${JSON.stringify(spec)}`);
    // the identifier must not carry DescribeLogGroups' trailing `:*`
    return { spec, name: m[1], param: { logGroupIdentifier: s.replace(/:\*$/, '') } };
  }
  if (!GROUP_NAME.test(s)) {
    throw invalid(`logGroups[${index}]`, `not a log group name (1-512 of A-Z a-z 0-9 . - _ / #): ${JSON.stringify(spec)}`);
  }
  return { spec, name: s, param: { logGroupName: s } };
}

export function resolveQuery(source: CloudWatchSource, now = Date.now()): ResolvedQuery {
  if (!source.region || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(source.region)) {
    throw invalid('region', `expected an AWS region such as eu-west-1, got ${JSON.stringify(source.region)}`);
  }
  if (source.logGroups.length === 0) throw invalid('logGroups', 'name at least one log group');
  const groups = source.logGroups.map(parseLogGroup);
  const names = new Set<string>();
  for (const [i, g] of groups.entries()) {
    if (names.has(g.name)) throw invalid(`logGroups[${i}]`, `log group ${g.name} is listed twice`);
    names.add(g.name);
  }
  if (source.streamNames && source.streamPrefix !== undefined) {
    throw invalid('streamPrefix', 'use either streamNames or streamPrefix, not both (FilterLogEvents accepts one)');
  }
  if (source.streamNames && (source.streamNames.length === 0 || source.streamNames.length > MAX_STREAM_NAMES)) {
    throw invalid('streamNames', `name 1 to ${MAX_STREAM_NAMES} streams, got ${source.streamNames.length}`);
  }
  return {
    groups,
    ...resolveTimeWindow(source, now),
    ...(source.streamNames ? { streamNames: source.streamNames } : {}),
    ...(source.streamPrefix !== undefined ? { streamPrefix: source.streamPrefix } : {}),
    ...(source.filterPattern ? { filterPattern: source.filterPattern } : {}),
  };
}

/**
 * What identifies the query apart from "now": a re-executed run with the same settings resumes the
 * window it started; changed settings start over. `since` is part of it, its resolution is not.
 */
export function queryFingerprint(source: CloudWatchSource): string {
  const key = {
    region: source.region,
    endpoint: source.endpoint ?? null,
    roleArn: source.roleArn ?? null,
    logGroups: source.logGroups,
    streamNames: source.streamNames ?? null,
    streamPrefix: source.streamPrefix ?? null,
    filterPattern: source.filterPattern ?? null,
    since: source.since ?? null,
    from: source.from ?? null,
    to: source.to ?? null,
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}
