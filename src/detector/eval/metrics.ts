/**
 * Log-parsing accuracy metrics, from their definitions:
 * - GA (group accuracy, Zhu et al. ICSE'19): a line is correct when the set of lines grouped with
 *   it equals the set of lines in its ground-truth group.
 * - FGA (Loghub-2.0): F1 of PGA = correct groups / parsed groups and RGA = correct groups / GT groups.
 * - PA (parsing accuracy): share of lines whose template string equals the ground truth's exactly.
 * - FTA (Loghub-2.0): F1 over templates; a parsed template is correct when every line it holds
 *   has exactly that string as ground-truth template (PTA over parsed, RTA over GT templates).
 * - Pairwise F1 (logparser's F1_measure): precision/recall over pairs of lines that share a group.
 * Inputs are per-line keys (ids or template strings) of equal length.
 */
export interface GroupingScores {
  readonly GA: number;
  readonly FGA: number;
  readonly PGA: number;
  readonly RGA: number;
  readonly F1_pairwise: number;
  readonly nParsed: number;
  readonly nTruth: number;
}

export interface TemplateScores {
  readonly PA: number;
  readonly FTA: number;
}

function groupsOf(keys: readonly string[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const g = m.get(k);
    if (g) g.push(i);
    else m.set(k, [i]);
  });
  return m;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

function checkLengths(parsed: readonly string[], truth: readonly string[]): void {
  if (parsed.length !== truth.length) throw new RangeError(`parsed has ${parsed.length} lines, ground truth ${truth.length}`);
}

/** Parsed groups whose line set equals a ground-truth group's (as parsed-group keys). */
function correctGroups(parsed: readonly string[], truth: readonly string[]): { correct: Set<string>; p: Map<string, number[]>; t: Map<string, number[]> } {
  const p = groupsOf(parsed);
  const t = groupsOf(truth);
  const correct = new Set<string>();
  for (const [key, lines] of p) {
    const label = truth[lines[0]];
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- label is one of t's keys (the truth groups)
    if (lines.every((i) => truth[i] === label) && t.get(label)!.length === lines.length) correct.add(key);
  }
  return { correct, p, t };
}

export function groupingScores(parsed: readonly string[], truth: readonly string[]): GroupingScores {
  checkLengths(parsed, truth);
  const { correct, p, t } = correctGroups(parsed, truth);
  let correctLines = 0;
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- correct holds keys of p only
  for (const key of correct) correctLines += p.get(key)!.length;
  const n = parsed.length;
  const PGA = p.size === 0 ? 0 : correct.size / p.size;
  const RGA = t.size === 0 ? 0 : correct.size / t.size;
  // pairwise: pairs inside each (parsed group x truth group) intersection are the accurate ones
  let parsedPairs = 0;
  for (const g of p.values()) parsedPairs += pairs(g.length);
  let truthPairs = 0;
  for (const g of t.values()) truthPairs += pairs(g.length);
  const inter = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = parsed[i] + '\u0000' + truth[i];
    inter.set(k, (inter.get(k) ?? 0) + 1);
  }
  let accurate = 0;
  for (const c of inter.values()) accurate += pairs(c);
  const precision = parsedPairs === 0 ? 0 : accurate / parsedPairs;
  const recall = truthPairs === 0 ? 0 : accurate / truthPairs;
  return {
    GA: n === 0 ? 0 : correctLines / n,
    PGA,
    RGA,
    FGA: PGA + RGA === 0 ? 0 : (2 * PGA * RGA) / (PGA + RGA),
    F1_pairwise: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    nParsed: p.size,
    nTruth: t.size,
  };
}

/** Template-string metrics: parsed and truth are the per-line template strings. */
export function templateScores(parsed: readonly string[], truth: readonly string[]): TemplateScores {
  checkLengths(parsed, truth);
  let same = 0;
  for (let i = 0; i < parsed.length; i++) if (parsed[i] === truth[i]) same++;
  const p = groupsOf(parsed);
  const t = groupsOf(truth);
  let correctTemplates = 0;
  for (const [key, lines] of p) if (lines.every((i) => truth[i] === key)) correctTemplates++;
  const PTA = p.size === 0 ? 0 : correctTemplates / p.size;
  const RTA = t.size === 0 ? 0 : correctTemplates / t.size;
  return {
    PA: parsed.length === 0 ? 0 : same / parsed.length,
    FTA: PTA + RTA === 0 ? 0 : (2 * PTA * RTA) / (PTA + RTA),
  };
}
