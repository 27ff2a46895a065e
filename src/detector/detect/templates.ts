/**
 * new_template (a template the baseline never saw) and rare_template (no baseline: templates seen
 * only a handful of times in a run large enough for "a handful" to mean something).
 */
import type { Anomaly } from '../anomalies-schema.js';
import { AnomalyKind, type Severity } from '../../config/detection-types.js';
import { round2 } from './stats.js';
import { fmtCount, fmtTime, levelName } from './explain.js';
import { LevelClass, type DetectorInput, type TemplateAcc } from './types.js';
import { stillLearning } from '../baseline/model.js';

/**
 * Against a baseline still learning its source's vocabulary (model.ts stillLearning), ordinary new
 * templates are expected (counted in a notice, see notices.ts) and warning/error ones are
 * reported at low severity at most.
 * Whether new_template skips this template: an ordinary line against a baseline still learning.
 */
export function expectedNovelty(acc: TemplateAcc, unsaturated: boolean): boolean {
  return unsaturated && acc.level === LevelClass.normal;
}

/** Below this many lines a run is too small to call anything rare. */
const MIN_LINES_FOR_RARE = 200;
const MAX_RARE = 50;

export function detectNewTemplates(input: DetectorInput): Anomaly[] {
  const { run, baseline } = input;
  if (!baseline) return [];
  const out: Anomaly[] = [];
  const still = stillLearning(baseline, run);
  const unsaturated = still.learning;
  const learning = unsaturated ? `; ${still.why}, so this may be ordinary` : '';
  for (const acc of run.templates.values()) {
    if (acc.id in baseline.templates || expectedNovelty(acc, unsaturated)) continue;
    const levelBonus = acc.level === LevelClass.error ? 3 : acc.level === LevelClass.warn ? 1.5 : 0;
    const score = round2(3 + Math.min(4, 2 * Math.log10(1 + acc.count)) + levelBonus);
    const severity: Severity = unsaturated
      ? 'low'
      : acc.level === LevelClass.error ? (acc.count >= 100 ? 'critical' : 'high') : acc.level === LevelClass.warn ? 'medium' : acc.count >= 100 ? 'medium' : 'low';
    const errs = acc.level !== LevelClass.normal && acc.errors > 0 ? `, ${fmtCount(acc.errors)} of them at ${levelName(acc.level)} level` : '';
    out.push(base(acc, AnomalyKind.newTemplate, severity, score,
      `never seen in the baseline (${fmtCount(baseline.lines)} lines learned); appeared ${times(acc.count)} between ${fmtTime(acc.firstSeen)} and ${fmtTime(acc.lastSeen)}${errs}${learning}`));
  }
  return out;
}

export function detectRareTemplates(input: DetectorInput): Anomaly[] {
  const { run, baseline, config } = input;
  if (baseline || run.lines < MIN_LINES_FOR_RARE) return [];
  const max = config.thresholds.rareMaxCount;
  const out: Anomaly[] = [];
  for (const acc of run.templates.values()) {
    if (acc.count > max) continue;
    const levelBonus = acc.level === LevelClass.error ? 3 : acc.level === LevelClass.warn ? 1.5 : 0;
    // Rarer in a bigger run is more surprising: log10(lines / count) decades.
    const score = round2(Math.min(6, Math.log10(run.lines / acc.count)) / 2 + levelBonus);
    const severity: Severity = acc.level === LevelClass.error ? 'medium' : acc.level === LevelClass.warn ? 'low' : 'info';
    out.push(base(acc, AnomalyKind.rareTemplate, severity, score,
      `appeared only ${times(acc.count)} in ${fmtCount(run.lines)} lines (no baseline to compare with)`));
  }
  return out.sort((a, b) => b.score - a.score).slice(0, MAX_RARE);
}

function times(n: number): string {
  return n === 1 ? 'once' : `${fmtCount(n)} times`;
}

function base(acc: TemplateAcc, kind: AnomalyKind, severity: Severity, score: number, explanation: string): Anomaly {
  return {
    id: `${kind}:${acc.id}`,
    kind,
    severity,
    score,
    template: acc.template,
    templateId: acc.id,
    count: acc.count,
    expected: kind === AnomalyKind.newTemplate ? 0 : null,
    firstSeen: acc.firstSeen,
    lastSeen: acc.lastSeen,
    stream: acc.firstStream,
    explanation,
    samples: acc.samples.slice(0, 3),
  };
}
