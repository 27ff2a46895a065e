/** Numbers and times in the one-sentence explanations, and the kind-independent severity scale. */
import type { Severity } from '../../config/detection-types.js';
import { LevelClass } from './types.js';
import { groupDigits } from '../../util/group-digits.js';

export function fmtCount(x: number): string {
  if (Number.isInteger(x)) return groupDigits(x);
  if (x < 10) return (Math.round(x * 10) / 10).toString();
  return groupDigits(Math.round(x));
}

export function fmtDuration(seconds: number): string {
  const unit = (n: number, u: string) => `${fmtCount(n)} ${u}${n === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

/** `per 5 minutes`, `per hour`. */
export function fmtPer(seconds: number): string {
  const d = fmtDuration(seconds);
  return d.startsWith('1 ') ? `per ${d.slice(2)}` : `per ${d}`;
}

export function fmtTime(ms: number | null): string {
  if (ms === null) return 'an unknown time';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function fmtPercent(x: number): string {
  const p = x * 100;
  return `${p < 1 ? p.toFixed(2) : p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
}

const SCALE: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Score bands (3 = just significant), one band up for error-level templates. */
export function severityFor(score: number, level: LevelClass): Severity {
  let i = score >= 12 ? 4 : score >= 7 ? 3 : score >= 4 ? 2 : score >= 2 ? 1 : 0;
  if (level === LevelClass.error) i = Math.min(4, i + 1);
  return SCALE[i];
}

export function bumpSeverity(s: Severity, by: number): Severity {
  const i = SCALE.indexOf(s);
  return SCALE[Math.max(0, Math.min(4, i + by))];
}

const ERROR_LEVELS = /^(?:e|err|error|fatal|f|crit|critical|alert|emerg|emergency|severe|panic)$/i;
const WARN_LEVELS = /^(?:w|warn|warning)$/i;
/** Level words inside a message, for lines whose format has no level field. */
const ERROR_WORDS = /\b(?:ERROR|FATAL|CRITICAL|SEVERE|PANIC|Exception|exception|failed|Failed|FAILED)\b/;
const WARN_WORDS = /\b(?:WARN|WARNING|Warning)\b/;

export function levelClassOf(level: string | undefined): LevelClass | null {
  if (level === undefined || level === '') return null;
  if (ERROR_LEVELS.test(level)) return LevelClass.error;
  if (WARN_LEVELS.test(level)) return LevelClass.warn;
  return LevelClass.normal;
}

export function levelClassOfText(text: string): LevelClass {
  if (ERROR_WORDS.test(text)) return LevelClass.error;
  if (WARN_WORDS.test(text)) return LevelClass.warn;
  return LevelClass.normal;
}

export function levelName(c: LevelClass): string {
  return c === LevelClass.error ? 'ERROR' : c === LevelClass.warn ? 'WARN' : 'INFO';
}
