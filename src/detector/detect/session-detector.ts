/**
 * session_anomaly: one finding per anomalous signature (all sessions with the same count vector
 * share one explanation), with example sessions as evidence. Against the baseline's normal
 * sessions when there are any; otherwise against the run's own sessions, where a signature must
 * also be rare to be suspicious.
 */
import type { Anomaly } from '../anomalies-schema.js';
import { AnomalyKind } from '../../config/detection-types.js';
import { createSessionScorer, type SessionReason } from './session-score.js';
import { toModelData, type SignatureAcc, type SessionModelData } from './sessions.js';
import { fmtCount, severityFor } from './explain.js';
import { LevelClass } from './types.js';
import { truncate } from '../../util/sanitize.js';

const MAX_FINDINGS = 100;
/** No baseline: signatures shared by at least this share of the run's sessions are normal. */
const SELF_RARE_SHARE = 0.002;

export function detectSessions(
  sigs: ReadonlyMap<string, SignatureAcc>,
  baseline: SessionModelData | null,
  templateText: (id: string) => string,
): Anomaly[] {
  if (sigs.size === 0) return [];
  const self = !baseline || baseline.sessions === 0;
  const model = self ? toModelData(sigs, 50_000) : baseline;
  const scorer = createSessionScorer(model, self ? { rareShare: SELF_RARE_SHARE, tolerance: 0.02 } : {});
  // Signatures that are anomalous for the same reasons make one finding (sessions differ in
  // harmless ways, e.g. one more retry line, and the reader wants "12 sessions did X" once).
  const groups = new Map<string, { verdict: NonNullable<ReturnType<typeof scorer.score>>; sessions: number; examples: SignatureAcc['examples'][number][] }>();
  for (const [sig, acc] of sigs) {
    const verdict = scorer.score(acc.counts, sig);
    if (!verdict) continue;
    const key = verdict.reasons.map((r) => (r.type === 'unseen_template' ? `u:${r.templateId}` : `i:${r.inv.a}:${r.inv.b}`)).join('|');
    const g = groups.get(key);
    if (!g) groups.set(key, { verdict, sessions: acc.sessions, examples: [...acc.examples] });
    else {
      g.sessions += acc.sessions;
      if (g.examples.length < 3) g.examples.push(...acc.examples.slice(0, 3 - g.examples.length));
    }
  }
  const out: Anomaly[] = [];
  for (const { verdict, sessions, examples } of groups.values()) {
    const ex = examples[0];
    const why = verdict.reasons.slice(0, 2).map((r) => reasonText(r, templateText)).join('; ');
    const who = sessions === 1 ? `session ${ex.key}` : `${fmtCount(sessions)} sessions (e.g. ${ex.key})`;
    out.push({
      id: `${AnomalyKind.sessionAnomaly}:${verdict.templateId}:${ex.key}`,
      kind: AnomalyKind.sessionAnomaly,
      severity: severityFor(verdict.score + Math.log10(sessions), verdict.reasons.some((r) => r.type === 'unseen_template') ? LevelClass.error : LevelClass.normal),
      score: verdict.score,
      template: templateText(verdict.templateId),
      templateId: verdict.templateId,
      count: sessions,
      expected: null,
      firstSeen: min(examples.map((e) => e.first)),
      lastSeen: max(examples.map((e) => e.last)),
      explanation: `${who}: ${why}`,
      samples: examples.flatMap((e) => e.samples).slice(0, 3),
      session: ex.key,
    });
  }
  return out.sort((a, b) => b.score - a.score || b.count - a.count).slice(0, MAX_FINDINGS);
}

function reasonText(r: SessionReason, text: (id: string) => string): string {
  const q = (id: string) => `"${truncate(text(id), 60)}"`;
  if (r.type === 'unseen_template') return `${q(r.templateId)} (${r.count}x) never occurs in normal sessions`;
  const { inv, countA, countB } = r;
  const norm = inv.ra === inv.rb ? 'equally often' : `in a ${inv.ra}:${inv.rb} ratio`;
  return `${q(inv.a)} ${countA}x but ${q(inv.b)} ${countB}x, which normal sessions have ${norm}`;
}

function min(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.min(...v) : null;
}
function max(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
}
