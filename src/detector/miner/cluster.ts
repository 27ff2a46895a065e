/** One template: its tokens (copy-on-write, so handed-out snapshots never change), id and count. */
import { WILDCARD } from '../mask/token.js';

export interface Cluster {
  readonly id: string;
  tokens: readonly string[];
  count: number;
  /** Rendered template, rebuilt lazily after the tokens change. */
  text: string | null;
  /** Index of this cluster in the miner's list (for compact per-line storage). */
  readonly index: number;
}

export function renderTemplate(c: Cluster): string {
  if (c.text === null) c.text = c.tokens.join(' ');
  return c.text;
}

/**
 * Similarity of a line's masked tokens to a template of the same length: the share of positions
 * that agree, where a template wildcard agrees with anything, but counts half when the line has a
 * constant there (a wildcard that keeps swallowing constants should not attract everything).
 */
export function similarity(tpl: readonly string[], masked: readonly string[], n: number): number {
  let same = 0;
  for (let i = 0; i < n; i++) {
    const t = tpl[i];
    const w = masked[i];
    if (t === w) same++;
    else if (t === WILDCARD) same += 0.5;
  }
  return n === 0 ? 1 : same / n;
}

/** Generalises positions that differ; returns true when the template changed. */
export function mergeInto(c: Cluster, masked: readonly string[], n: number): boolean {
  let next: string[] | null = null;
  const tpl = c.tokens;
  for (let i = 0; i < n; i++) {
    if (tpl[i] !== masked[i] && tpl[i] !== WILDCARD) {
      next ??= tpl.slice();
      next[i] = WILDCARD;
    }
  }
  if (next === null) return false;
  c.tokens = next;
  c.text = null;
  return true;
}
