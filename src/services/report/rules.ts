/**
 * The detection config's rules applied to the detector's findings: which are reported, which are
 * suppressed (and why, so the report can account for every finding), and whether anyone is told.
 * Pure functions: the analyze service does the I/O around them.
 */
import type { Anomaly } from '../../detector/anomalies-schema.js';
import { SEVERITY_ORDER, type DetectionConfig, type Severity } from '../../config/detection-types.js';
import { ConfigError, ErrorCode } from '../../errors.js';
import { matchMute, type MuteEntry } from '../../detector/mutes.js';

export const SuppressReason = {
  kindDisabled: 'kind_disabled',
  ignorePattern: 'ignore_pattern',
  muted: 'muted',
  accepted: 'accepted',
  belowMinScore: 'below_min_score',
  belowMinSeverity: 'below_min_severity',
} as const;
export type SuppressReason = (typeof SuppressReason)[keyof typeof SuppressReason];

/** A finding that survived the rules, with the severity the rules gave it. */
export interface ReportedFinding extends Anomaly {
  readonly severity: Severity;
  /** What the detector said before a per-kind override. */
  readonly detectorSeverity: Severity;
}

export interface RuleOutcome {
  /** Most severe first, then highest score. */
  readonly reported: readonly ReportedFinding[];
  readonly suppressed: Readonly<Record<SuppressReason, number>>;
  /** How many findings each ignore pattern dropped (pattern -> count), for tuning the config. */
  readonly ignoredBy: Readonly<Record<string, number>>;
  /** How many findings each mute or accept entry covered (entry id -> count). */
  readonly mutedBy: Readonly<Record<string, number>>;
}

export interface NotifyDecision {
  readonly shouldNotify: boolean;
  readonly reason: string;
}

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/** `configName` names the config so a bad pattern points at its place (`<config> ignore[2]`). */
export function compileIgnorePatterns(patterns: readonly string[], configName: string): RegExp[] {
  return patterns.map((p, i) => {
    try {
      return new RegExp(p);
    } catch (err) {
      throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: configName, field: `ignore[${i}]` }, `invalid regular expression ${JSON.stringify(p)}: ${(err as Error).message}`);
    }
  });
}

/**
 * Order of the checks: a disabled kind, then ignore patterns, then active mutes and accepts, then
 * the kind's minimum score, then the global minimum severity (after the kind's override). Each
 * suppressed finding is counted once, under the first rule that dropped it.
 */
export function applyRules(
  anomalies: readonly Anomaly[],
  config: DetectionConfig,
  ignore: readonly RegExp[],
  mutes: readonly MuteEntry[] = [],
  now: number = Date.now(),
): RuleOutcome {
  const suppressed: Record<SuppressReason, number> = { kind_disabled: 0, ignore_pattern: 0, muted: 0, accepted: 0, below_min_score: 0, below_min_severity: 0 };
  const ignoredBy: Record<string, number> = {};
  const mutedBy: Record<string, number> = {};
  const reported: ReportedFinding[] = [];
  const minRank = severityRank(config.rules.minSeverity);
  for (const a of anomalies) {
    const rule = config.rules.kinds[a.kind];
    if (rule && !rule.enabled) {
      suppressed.kind_disabled++;
      continue;
    }
    const hit = ignore.findIndex((re) => re.test(a.template) || a.samples.some((s) => re.test(s.line)));
    if (hit >= 0) {
      // Keyed by the pattern as written in the config (RegExp#source re-escapes it).
      const pattern = config.ignore[hit] ?? ignore[hit]!.source;
      suppressed.ignore_pattern++;
      ignoredBy[pattern] = (ignoredBy[pattern] ?? 0) + 1;
      continue;
    }
    const mute = matchMute(a, mutes, now);
    if (mute) {
      suppressed[mute.action === 'accept' ? 'accepted' : 'muted']++;
      mutedBy[mute.id] = (mutedBy[mute.id] ?? 0) + 1;
      continue;
    }
    if (rule && a.score < rule.minScore) {
      suppressed.below_min_score++;
      continue;
    }
    const severity = rule?.severity ?? a.severity;
    if (severityRank(severity) < minRank) {
      suppressed.below_min_severity++;
      continue;
    }
    reported.push({ ...a, severity, detectorSeverity: a.severity });
  }
  reported.sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || y.score - x.score);
  return { reported, suppressed, ignoredBy, mutedBy };
}

export function countBySeverity(findings: readonly { severity: Severity }[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}

export function decideNotify(reported: readonly ReportedFinding[], config: DetectionConfig): NotifyDecision {
  const { recipients, minSeverity } = config.notify;
  const highest = reported[0]?.severity;
  const qualifying = reported.filter((f) => severityRank(f.severity) >= severityRank(minSeverity)).length;
  if (qualifying === 0) {
    const why = highest ? `the most severe reported finding is ${highest}` : 'no finding was reported';
    return { shouldNotify: false, reason: `No notification: ${why}, below notify.minSeverity ${minSeverity}.` };
  }
  if (recipients.length === 0) {
    return { shouldNotify: false, reason: `No notification: ${qualifying} finding(s) reach ${minSeverity} but notify.recipients is empty.` };
  }
  return {
    shouldNotify: true,
    reason: `Notify ${recipients.length} recipient(s): ${qualifying} finding(s) at or above ${minSeverity} (most severe: ${highest}).`,
  };
}
