/**
 * The tree folded for a short terminal: the root, the steps that need eyes (running, retrying,
 * failed, cancelled) and the selected one stay; the rest become one line that counts them.
 */
import type { StepStatus } from '../../../bus/events.js';
import type { StepView } from '../../run-view-types.js';

export interface FoldedTree {
  /** Indexes into the step list, in diagram order. */
  readonly shown: readonly number[];
  /** `⋯ 8 more: 7 done · 1 skipped`, or '' when nothing is hidden. */
  readonly hiddenText: string;
  /** Rows the folded tree takes. */
  readonly rows: number;
}

const KEEP: ReadonlySet<StepStatus> = new Set(['running', 'retrying', 'failed', 'cancelled']);
const ORDER: readonly StepStatus[] = ['done', 'skipped', 'pending', 'running', 'retrying', 'failed', 'cancelled'];

export function foldSteps(steps: readonly StepView[], selected: number): FoldedTree {
  const shown: number[] = [];
  const hidden = new Map<StepStatus, number>();
  steps.forEach((s, i) => {
    if (i === 0 || i === selected || KEEP.has(s.status)) shown.push(i);
    else hidden.set(s.status, (hidden.get(s.status) ?? 0) + 1);
  });
  const n = steps.length - shown.length;
  const parts = ORDER.filter((st) => hidden.has(st)).map((st) => `${hidden.get(st)} ${st}`);
  const hiddenText = n > 0 ? `⋯ ${n} more step${n === 1 ? '' : 's'}: ${parts.join(' · ')}` : '';
  return { shown, hiddenText, rows: shown.length + (n > 0 ? 1 : 0) };
}
