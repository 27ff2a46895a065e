/**
 * The detection config's rules applied to the detector's findings: which are reported, which are
 * suppressed (and why, so the report can account for every finding), and whether anyone is told.
 * Pure functions: the analyze service does the I/O around them.
 */
import type { Anomaly } from '../../detector/anomalies-schema.js';
import { SEVERITY_ORDER, type DetectionConfig, type RouteRule, type Severity, type WebhookConfig } from '../../config/detection-types.js';
import type { Incident } from '../../detector/anomalies-schema.js';
import { ConfigError, ErrorCode, messageOf } from '../../errors.js';
import { matchMute, type MuteEntry } from '../../detector/mutes.js';
import { userRegExp } from '../../util/linear-regex.js';

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
      return userRegExp(p);
    } catch (err) {
      throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: configName, field: `ignore[${i}]` }, `invalid regular expression ${JSON.stringify(p)}: ${messageOf(err)}`);
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
      const pattern = config.ignore[hit] ?? ignore[hit].source;
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

/** What one recipient is told: the incidents its rule matches, most severe first. */
export interface Route {
  readonly to: string;
  readonly incidents: readonly Incident[];
}

function globMatch(pattern: string, text: string): boolean {
  // Linear: split on `*` and find the parts in order (no regex built from config text).
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- split always returns at least one part
  if (!text.startsWith(parts[0]) || !text.endsWith(parts.at(-1)!)) return false;
  let at = parts[0].length;
  for (const part of parts.slice(1, -1)) {
    const i = text.indexOf(part, at);
    if (i < 0) return false;
    at = i + part.length;
  }
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- split always returns at least one part
  return at <= text.length - parts.at(-1)!.length;
}

function matches(inc: Incident, kinds: ReadonlySet<string>, rule: RouteRule | undefined, minSeverity: Severity): boolean {
  if (severityRank(inc.severity) < severityRank(rule?.minSeverity ?? minSeverity)) return false;
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- checked in the condition of the same expression
  if (rule?.streams && !inc.streams.some((s) => rule.streams!.some((p) => globMatch(p, s)))) return false;
  if (rule?.kinds && !rule.kinds.some((k) => kinds.has(k))) return false;
  return true;
}

/**
 * Each recipient gets the incidents its rule matches (all incidents at notify.minSeverity without
 * a rule); recipients with none are left out, so nobody gets an email about someone else's service.
 */
export function routeIncidents(incidents: readonly Incident[], findings: readonly ReportedFinding[], config: DetectionConfig): Route[] {
  const kindOf = new Map(findings.map((f) => [f.id, f.kind]));
  const kinds = new Map(incidents.map((inc) => [inc.id, new Set(inc.findings.map((id) => kindOf.get(id) ?? ''))]));
  const seen = new Set<string>();
  const routes: Route[] = [];
  for (const to of config.notify.recipients) {
    if (seen.has(to.toLowerCase())) continue;
    seen.add(to.toLowerCase());
    const rule = config.notify.routes?.[to.toLowerCase()];
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- kinds has an entry for every incident
    const mine = incidents.filter((inc) => matches(inc, kinds.get(inc.id)!, rule, config.notify.minSeverity));
    if (mine.length > 0) routes.push({ to, incidents: mine });
  }
  return routes;
}

/** What one webhook is told: the incidents its rule matches (the same rule fields as a recipient's). */
export interface WebhookRouteOf {
  readonly webhook: WebhookConfig;
  readonly incidents: readonly Incident[];
}

/** Each webhook gets the incidents its rule matches; webhooks with none are left out. */
export function routeWebhooks(incidents: readonly Incident[], findings: readonly ReportedFinding[], config: DetectionConfig): WebhookRouteOf[] {
  const kindOf = new Map(findings.map((f) => [f.id, f.kind]));
  const kinds = new Map(incidents.map((inc) => [inc.id, new Set(inc.findings.map((id) => kindOf.get(id) ?? ''))]));
  return (config.notify.webhooks ?? []).flatMap((webhook) => {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- kinds has an entry for every incident
    const mine = incidents.filter((inc) => matches(inc, kinds.get(inc.id)!, webhook, config.notify.minSeverity));
    return mine.length > 0 ? [{ webhook, incidents: mine }] : [];
  });
}

export function decideNotify(reported: readonly ReportedFinding[], config: DetectionConfig, routes: readonly Route[], hooks: readonly WebhookRouteOf[] = []): NotifyDecision {
  const { recipients, minSeverity } = config.notify;
  const webhooks = config.notify.webhooks ?? [];
  const highest = reported[0]?.severity;
  if (reported.length === 0) return { shouldNotify: false, reason: 'No notification: no finding was reported.' };
  if (recipients.length === 0 && webhooks.length === 0) return { shouldNotify: false, reason: 'No notification: notify.recipients is empty.' };
  if (routes.length === 0 && hooks.length === 0) {
    const ruled = config.notify.routes || webhooks.some((w) => w.streams || w.kinds || w.minSeverity);
    const why = ruled ? "no incident matches any recipient's or webhook's rule" : `the most severe reported finding is ${highest}, below notify.minSeverity ${minSeverity}`;
    return { shouldNotify: false, reason: `No notification: ${why}.` };
  }
  const incidents = new Set([...routes, ...hooks].flatMap((r) => r.incidents.map((i) => i.id))).size;
  // Addresses differing only in case are one mailbox and get one email (routeIncidents), so they count once.
  const mailboxes = new Set(recipients.map((r) => r.toLowerCase())).size;
  const who = [
    ...(recipients.length > 0 ? [`${routes.length} of ${mailboxes} recipient(s)`] : []),
    ...(webhooks.length > 0 ? [`${hooks.length} of ${webhooks.length} webhook(s)`] : []),
  ].join(' and ');
  return {
    shouldNotify: true,
    reason: `Notify ${who} about ${incidents} incident(s) (most severe: ${highest}).`,
  };
}
