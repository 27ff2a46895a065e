/**
 * One template. `sig` is its constant-token pattern (positions proven variable become `<*>`);
 * `tokens` is the full template as rendered. Arrays are copy-on-write, so snapshots handed out
 * with a mined line never change. Merged clusters point at the survivor through `parent`.
 */
import { WILDCARD } from '../mask/token.js';
import { displayTemplate } from './display.js';

export interface Cluster {
  readonly id: string;
  readonly index: number;
  tokens: readonly string[];
  sig: readonly string[];
  count: number;
  /** Rendered template, rebuilt lazily after the tokens change. */
  text: string | null;
  parent: Cluster | null;
  /** True once `sig` holds a wildcard (it is then matched by pattern, not by exact key). */
  general: boolean;
}

export function find(c: Cluster): Cluster {
  let r = c;
  while (r.parent !== null) r = r.parent;
  // path compression: later lookups are one hop
  let x = c;
  while (x.parent !== null && x.parent !== r) {
    const next: Cluster = x.parent;
    x.parent = r;
    x = next;
  }
  return r;
}

export function renderTemplate(c: Cluster): string {
  if (c.text === null) c.text = displayTemplate(c.tokens);
  return c.text;
}

/** Positions that differ become wildcards (same length only); returns the new array or the old one. */
export function generalize(tpl: readonly string[], other: readonly string[], n: number): readonly string[] {
  if (tpl.length !== n) return tpl;
  let next: string[] | null = null;
  for (let i = 0; i < n; i++) {
    if (tpl[i] !== other[i] && tpl[i] !== WILDCARD) {
      next ??= tpl.slice();
      next[i] = WILDCARD;
    }
  }
  return next ?? tpl;
}

/** Whether a signature fits a generalized pattern of the same length. */
export function fits(pattern: readonly string[], sig: readonly string[], n: number): boolean {
  for (let i = 0; i < n; i++) {
    const p = pattern[i];
    if (p !== WILDCARD && p !== sig[i]) return false;
  }
  return true;
}
