/**
 * The miner merges template families while lines stream (see miner/index.ts mergeFamily): lines
 * counted before a merge sit under the id of a template that no longer exists. At the end of a
 * run these helpers move every such counter (totals, per-bucket cells, samples, error shares,
 * session signatures) onto the surviving id, so each template is counted, reported and written
 * to templates.csv once, under the id the miner (and the next run's baseline) knows it by.
 */
import type { AnomalySample } from './anomalies-schema.js';
import type { TemplateAcc } from './run-stats.js';
import { parseSignature, signatureOf, type SignatureAcc } from './detect/sessions.js';
import type { BaselineModel } from './baseline/model.js';

/** Maps a template id to the id that stands for it now (itself when never merged). */
export type ResolveId = (id: string) => string;

const SAMPLES_PER_TEMPLATE = 3;
const SAMPLES_PER_CELL = 2;

/** The first `max` samples of two lists, in time order (a merged template's earliest lines). */
function earliest(a: AnomalySample[], b: readonly AnomalySample[], max: number): AnomalySample[] {
  if (b.length === 0) return a;
  const all = [...a, ...b];
  all.sort((x, y) => (x.timestamp ?? Infinity) - (y.timestamp ?? Infinity) || x.lineNo - y.lineNo);
  return all.slice(0, max);
}

function foldInto(into: TemplateAcc, from: TemplateAcc): void {
  into.count += from.count;
  into.errors += from.errors;
  if (from.level > into.level) into.level = from.level;
  if (from.firstSeen !== null && (into.firstSeen === null || from.firstSeen < into.firstSeen)) {
    into.firstSeen = from.firstSeen;
    into.firstStream = from.firstStream;
  }
  if (from.lastSeen !== null && (into.lastSeen === null || from.lastSeen > into.lastSeen)) into.lastSeen = from.lastSeen;
  into.samples = earliest(into.samples, from.samples, SAMPLES_PER_TEMPLATE);
  for (const [b, cell] of from.buckets) {
    const mine = into.buckets.get(b);
    if (!mine) into.buckets.set(b, cell);
    else {
      mine.n += cell.n;
      mine.errors += cell.errors;
      mine.samples = earliest(mine.samples, cell.samples, SAMPLES_PER_CELL);
    }
  }
  into.lastBucket = NaN;
  into.lastCell = null;
}

/**
 * Re-keys the run's accumulators by resolved id, folding merged ones into their survivor.
 * `templateOf` gives the survivor's current text when it had no accumulator of its own yet.
 */
export function foldMergedTemplates(
  templates: Map<string, TemplateAcc>,
  resolve: ResolveId,
  templateOf: (id: string) => string | undefined,
): void {
  const moved: [string, TemplateAcc][] = [];
  for (const [id, acc] of templates) {
    const to = resolve(id);
    if (to !== id) moved.push([to, acc]);
  }
  if (moved.length === 0) return;
  for (const [, acc] of moved) templates.delete(acc.id);
  for (const [to, acc] of moved) {
    let into = templates.get(to);
    if (!into) {
      into = {
        id: to,
        template: templateOf(to) ?? acc.template,
        count: 0,
        errors: 0,
        level: acc.level,
        firstSeen: null,
        lastSeen: null,
        firstStream: acc.firstStream,
        samples: [],
        buckets: new Map(),
        lastBucket: NaN,
        lastCell: null,
      };
      templates.set(to, into);
    }
    foldInto(into, acc);
  }
}

/** Session signatures re-keyed by resolved id (two signatures may become one). */
export function foldMergedSessions(sigs: Map<string, SignatureAcc>, resolve: ResolveId): Map<string, SignatureAcc> {
  let changed = false;
  for (const acc of sigs.values()) for (const id of acc.counts.keys()) if (resolve(id) !== id) changed = true;
  if (!changed) return sigs;
  const out = new Map<string, SignatureAcc>();
  for (const acc of sigs.values()) {
    const counts = new Map<string, number>();
    for (const [id, n] of acc.counts) {
      const to = resolve(id);
      counts.set(to, (counts.get(to) ?? 0) + n);
    }
    const sig = signatureOf(counts);
    const have = out.get(sig);
    if (!have) out.set(sig, { ...acc, counts, examples: [...acc.examples] });
    else {
      have.sessions += acc.sessions;
      for (const e of acc.examples) if (have.examples.length < 3) have.examples.push(e);
    }
  }
  return out;
}

/**
 * The baseline model keyed by resolved id: when this run's miner merged templates the model knew
 * apart, their learned rates (and session signatures) join the survivor's, so the survivor is
 * compared with the history of every line it now stands for, and the updated model names no
 * template the miner no longer has. Sums add; the sum of squares adds the cross term as if the two
 * were independent (the per-bucket pairs are not kept).
 */
export function foldMergedBaseline(model: BaselineModel, resolve: ResolveId): void {
  const moved = Object.keys(model.templates).filter((id) => resolve(id) !== id);
  for (const id of moved) {
    const from = model.templates[id];
    delete model.templates[id];
    const to = resolve(id);
    const into = model.templates[to];
    if (!into) {
      model.templates[to] = { ...from };
      continue;
    }
    const B = Math.max(1, model.buckets);
    into.sumSq += from.sumSq + (2 * into.sum * from.sum) / B;
    into.sum += from.sum;
    into.total += from.total;
    into.present = Math.min(B, Math.max(into.present, from.present));
    if (from.lastSeen !== null && (into.lastSeen === null || from.lastSeen > into.lastSeen)) into.lastSeen = from.lastSeen;
  }
  const sessions = model.sessions;
  if (!sessions) return;
  const signatures: Record<string, number> = {};
  let changed = false;
  for (const [sig, n] of Object.entries(sessions.signatures)) {
    const counts = new Map<string, number>();
    for (const [id, k] of parseSignature(sig)) {
      const to = resolve(id);
      if (to !== id) changed = true;
      counts.set(to, (counts.get(to) ?? 0) + k);
    }
    const key = signatureOf(counts);
    signatures[key] = (signatures[key] ?? 0) + n;
  }
  if (changed) model.sessions = { ...sessions, signatures };
}
