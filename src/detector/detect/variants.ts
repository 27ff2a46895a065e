/**
 * A template the baseline does not know may still be a known one, split differently by the miner
 * (`txn=fbfaedefbe<*>f` next to `txn=<*>`). Same token count and at most one differing position,
 * where either side is a variable: the engine then counts it as the known template, so it is
 * neither a new template nor a broken session.
 */
import type { BaselineModel } from '../baseline/model.js';

export function createVariantResolver(model: BaselineModel | null): (template: string) => string | null {
  if (!model) return () => null;
  let byLength: Map<number, { id: string; tokens: string[] }[]> | null = null;
  return (template) => {
    if (!byLength) {
      byLength = new Map();
      for (const [id, r] of Object.entries(model.templates)) {
        const tokens = r.template.split(/\s+/);
        let list = byLength.get(tokens.length);
        if (!list) byLength.set(tokens.length, (list = []));
        list.push({ id, tokens });
      }
    }
    const tokens = template.split(/\s+/);
    if (tokens.length < 3) return null;
    for (const cand of byLength.get(tokens.length) ?? []) {
      let diff = 0;
      for (let i = 0; i < tokens.length && diff <= 1; i++) {
        const a = tokens[i];
        const b = cand.tokens[i];
        if (a === b) continue;
        diff += a.includes('<*>') || b.includes('<*>') ? 1 : 2;
      }
      if (diff <= 1) return cand.id;
    }
    return null;
  };
}
