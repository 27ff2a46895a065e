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

/** Punctuation that may end a kept prefix or start a kept suffix (not a word char, not part of `<*>`). */
const isEdge = (c: number) =>
  c < 128 && !((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c === 60 || c === 42 || c === 62 || c <= 32);

/**
 * Two differing tokens at one position as one: what they share before and after the part that
 * differs stays, cut at punctuation (`user=root` / `user=news` is `user=<*>`, `(cyrus)` / `(news)`
 * is `(<*>)`, `com.apple.a:` / `com.apple.b:` is `com.apple.<*>:`, `host:<*>` / `<*>:<*>` is
 * `<*>:<*>`); with nothing shared, the token is `<*>`.
 */
export function mergeToken(a: string, b: string): string {
  if (a === WILDCARD || b === WILDCARD) return WILDCARD;
  const n = Math.min(a.length, b.length);
  let p = 0;
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  while (p > 0 && !isEdge(a.charCodeAt(p - 1))) p--;
  let q = 0;
  while (q < n - p && a.charCodeAt(a.length - 1 - q) === b.charCodeAt(b.length - 1 - q)) q++;
  while (q > 0 && !isEdge(a.charCodeAt(a.length - q))) q--;
  if (p === 0 && q === 0) return WILDCARD;
  return a.slice(0, p) + WILDCARD + a.slice(a.length - q);
}

/** Positions that differ become wildcards, keeping what both share (mergeToken); same length only; returns the new array or the old one. */
export function generalize(tpl: readonly string[], other: readonly string[], n: number): readonly string[] {
  if (tpl.length !== n) return tpl;
  let next: string[] | null = null;
  for (let i = 0; i < n; i++) {
    if (tpl[i] !== other[i] && tpl[i] !== WILDCARD) {
      const merged = mergeToken(tpl[i], other[i]);
      if (merged === tpl[i]) continue;
      next ??= tpl.slice();
      next[i] = merged;
    }
  }
  return next ?? tpl;
}

/** generalize at the given positions only (the other positions keep the template's text). */
export function generalizeAt(tpl: readonly string[], other: readonly string[], positions: readonly number[]): readonly string[] {
  if (tpl.length !== other.length) return tpl;
  let next: string[] | null = null;
  for (const i of positions) {
    if (tpl[i] === other[i] || tpl[i] === WILDCARD) continue;
    const merged = mergeToken(tpl[i], other[i]);
    if (merged === tpl[i]) continue;
    next ??= tpl.slice();
    next[i] = merged;
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
