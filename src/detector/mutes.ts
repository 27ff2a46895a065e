/**
 * Mute and accept: a person's "this is fine". A mute silences a template (or one kind of finding
 * on it) until it expires; an accept says the template's behaviour is the new normal, for good, and
 * lets the baseline learn it. Entries match by template id and by template text, so they hold
 * across runs and survive a baseline rebuild that gives the template another id.
 *
 * Entries come from two places: the mutes file next to the baseline model (written by
 * `log-anomaly mute/accept`) and the detection config's `mutes:` list (a central team's).
 */
import { createHash } from 'node:crypto';
import type { AnomalyKind } from '../config/detection-types.js';

export const MUTES_SCHEMA = 'log-anomaly-pipeline/mutes' as const;
export const MUTES_VERSION = 1 as const;

export const MuteAction = { mute: 'mute', accept: 'accept' } as const;
export type MuteAction = (typeof MuteAction)[keyof typeof MuteAction];

export interface MuteEntry {
  /** `m-<hash>` of what it matches and its action: muting the same thing twice updates one entry. */
  readonly id: string;
  readonly action: MuteAction;
  /** At least one of templateId and template. */
  readonly templateId?: string;
  readonly template?: string;
  /** Only findings of this kind (a finding id was given); all kinds when absent. */
  readonly kind?: AnomalyKind;
  readonly reason: string;
  /** ISO time; absent for accept (and for a mute without --for, which lasts until unmuted). */
  readonly until?: string;
  readonly createdAt: string;
  /** Where it came from: `mutes file` or `detection config`. */
  readonly origin?: string;
}

export interface MutesDoc {
  readonly schema: typeof MUTES_SCHEMA;
  readonly version: typeof MUTES_VERSION;
  readonly entries: readonly MuteEntry[];
}

export function emptyMutes(): MutesDoc {
  return { schema: MUTES_SCHEMA, version: MUTES_VERSION, entries: [] };
}

export function muteId(m: Pick<MuteEntry, 'action' | 'templateId' | 'template' | 'kind'>): string {
  const key = [m.action === 'accept' ? 'accept' : 'mute', m.templateId ?? '', m.template ?? '', m.kind ?? ''].join('\0');
  return `m-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

export function isActive(m: MuteEntry, now: number): boolean {
  return m.until === undefined || Date.parse(m.until) > now;
}

/** The first active entry that covers this finding, accepts before mutes. */
export function matchMute(
  f: { readonly kind: AnomalyKind; readonly templateId: string; readonly template: string },
  entries: readonly MuteEntry[],
  now: number,
): MuteEntry | undefined {
  const hits = entries.filter(
    (m) =>
      isActive(m, now) &&
      (m.kind === undefined || m.kind === f.kind) &&
      ((m.templateId !== undefined && m.templateId === f.templateId) || (m.template !== undefined && m.template === f.template)),
  );
  return hits.find((m) => m.action === 'accept') ?? hits[0];
}

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `12h`, `7d`, `2w` -> milliseconds; undefined when it is not one of those. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS[m[2]];
  return ms > 0 ? ms : undefined;
}

/** What a target on the command line names: a template id, a finding id (`kind:templateId[:...]`) or template text. */
export function parseTarget(target: string, kinds: readonly string[]): { templateId?: string; template?: string; kind?: AnomalyKind } {
  const t = target.trim();
  if (/^[0-9a-f]{8}$/.test(t)) return { templateId: t };
  const parts = t.split(':');
  if (parts.length >= 2 && kinds.includes(parts[0]) && /^[0-9a-f]{8}$/.test(parts[1])) {
    return { kind: parts[0] as AnomalyKind, templateId: parts[1] };
  }
  return { template: t };
}
