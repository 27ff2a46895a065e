/**
 * Judging session signatures against a model of normal sessions (see sessions.ts for why
 * signatures and pairwise invariants).
 */
import { parseSignature, type SessionModelData } from './sessions.js';

export interface Invariant {
  readonly a: string;
  readonly b: string;
  /** count(a) * rb === count(b) * ra in normal sessions. */
  readonly ra: number;
  readonly rb: number;
}

export interface SessionVerdict {
  readonly score: number;
  /** The template most to blame (the first reason's). */
  readonly templateId: string;
  readonly reasons: readonly SessionReason[];
}

export type SessionReason =
  | { readonly type: 'unseen_template'; readonly templateId: string; readonly count: number }
  | { readonly type: 'broken_invariant'; readonly inv: Invariant; readonly countA: number; readonly countB: number };

export interface SessionScorer {
  readonly invariants: readonly Invariant[];
  score(counts: ReadonlyMap<string, number>, signature: string): SessionVerdict | null;
}

export interface ScorerOptions {
  /** Templates in fewer than this share of normal sessions count as unseen (0: only truly unseen). */
  readonly rareShare?: number;
  /** Share of sessions allowed to break an invariant while it is still learned as one. */
  readonly tolerance?: number;
  /** Sessions a template must appear in before invariants about it are learned. */
  readonly minSupport?: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function createSessionScorer(model: SessionModelData, opts: ScorerOptions = {}): SessionScorer {
  const rareShare = opts.rareShare ?? 0;
  const tolerance = opts.tolerance ?? 0.005;
  const minSupport = opts.minSupport ?? 10;
  const sigs = Object.entries(model.signatures).map(([sig, n]) => ({ sig, n, counts: parseSignature(sig) }));
  const total = sigs.reduce((s, x) => s + x.n, 0);
  const templateSessions = new Map<string, number>();
  for (const { n, counts } of sigs) for (const id of counts.keys()) templateSessions.set(id, (templateSessions.get(id) ?? 0) + n);
  const known = new Set(sigs.filter((x) => x.n / Math.max(1, total) >= rareShare).map((x) => x.sig));
  const invariants = mineInvariants(sigs, templateSessions, minSupport, tolerance);

  return {
    invariants,
    score(counts, signature) {
      if (known.has(signature)) return null;
      const reasons: SessionReason[] = [];
      let score = 0;
      for (const [id, n] of counts) {
        const share = (templateSessions.get(id) ?? 0) / Math.max(1, total);
        if (share <= rareShare) {
          reasons.push({ type: 'unseen_template', templateId: id, count: n });
          score += 4;
        }
      }
      let broken = 0;
      for (const inv of invariants) {
        const ca = counts.get(inv.a) ?? 0;
        const cb = counts.get(inv.b) ?? 0;
        if (ca === 0 && cb === 0) continue;
        if (ca * inv.rb !== cb * inv.ra) {
          reasons.push({ type: 'broken_invariant', inv, countA: ca, countB: cb });
          score += broken++ === 0 ? 3 : 0.5;
        }
      }
      if (score === 0) return null;
      const first = reasons[0];
      const templateId = first.type === 'unseen_template' ? first.templateId : first.countA * first.inv.rb < first.countB * first.inv.ra ? first.inv.a : first.inv.b;
      return { score: Math.min(10, score), templateId, reasons };
    },
  };
}

function mineInvariants(
  sigs: readonly { n: number; counts: Map<string, number> }[],
  templateSessions: ReadonlyMap<string, number>,
  minSupport: number,
  tolerance: number,
): Invariant[] {
  const ids = [...templateSessions].filter(([, n]) => n >= minSupport).sort((a, b) => b[1] - a[1]).slice(0, 200).map(([id]) => id);
  const out: Invariant[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = ids[i];
      const b = ids[j];
      // The most common ratio among sessions that have either template.
      const ratios = new Map<string, number>();
      let support = 0;
      for (const { n, counts } of sigs) {
        const ca = counts.get(a) ?? 0;
        const cb = counts.get(b) ?? 0;
        if (ca === 0 && cb === 0) continue;
        support += n;
        const g = gcd(ca, cb) || 1;
        const key = `${ca / g}:${cb / g}`;
        ratios.set(key, (ratios.get(key) ?? 0) + n);
      }
      if (support < minSupport) continue;
      const [best, hits] = [...ratios].sort((x, y) => y[1] - x[1])[0];
      const [ra, rb] = best.split(':').map(Number) as [number, number];
      if (ra === 0 || rb === 0) continue;
      if ((support - hits) / support <= tolerance) out.push({ a, b, ra, rb });
    }
  }
  return out;
}
