/**
 * What a run could not check, said plainly: "no anomalies" over zero lines, or "every template is
 * new" against an empty baseline, would read as a verdict when nothing was compared at all.
 * Each notice goes into anomalies.json (`notices`) and to stderr in the CLI.
 */
import type { DetectionNotice } from './anomalies-schema.js';
import type { RunStats } from './run-stats.js';
import { stillLearning, type BaselineModel } from './baseline/model.js';
import { expectedNovelty } from './detect/templates.js';
import { fmtDuration } from './detect/explain.js';

export const NoticeCode = {
  noInput: 'no_input',
  noTimestamps: 'no_timestamps',
  emptyBaseline: 'empty_baseline',
  shortBaseline: 'short_baseline',
  learningBaseline: 'learning_baseline',
} as const;

/** `baselineLines` is what the baseline sources held when they were given (null: none given). */
export function runNotices(run: RunStats, model: BaselineModel | null, baselineLines: number | null, bucketSeconds: number): DetectionNotice[] {
  const out: DetectionNotice[] = [];
  if (run.lines === 0) {
    out.push({ code: NoticeCode.noInput, message: 'no log lines were read from the input: nothing was checked' });
  } else if (run.from === null) {
    out.push({
      code: NoticeCode.noTimestamps,
      message: `none of the ${run.lines} input lines had a timestamp: only new and rare templates were checked (no spikes, drops, silences or error rates); check the format`,
    });
  }
  if (baselineLines === 0) {
    out.push({ code: NoticeCode.emptyBaseline, message: 'the baseline had no log lines: detected without a baseline (no template is reported as new)' });
  } else if (model && model.lines > 0 && model.buckets < 1 && run.from !== null) {
    out.push({
      code: NoticeCode.shortBaseline,
      message: `the baseline (${model.lines} lines) covers less than one whole bucket (${fmtDuration(bucketSeconds)}): spikes, drops and silences were not checked`,
    });
  }
  if (model && model.lines > 0) {
    const still = stillLearning(model, run);
    const skipped = [...run.templates.values()].filter((t) => !(t.id in model.templates) && expectedNovelty(t, still.learning)).length;
    if (skipped > 0) {
      out.push({
        code: NoticeCode.learningBaseline,
        message: `${skipped} template${skipped === 1 ? '' : 's'} not in the baseline ${skipped === 1 ? 'was' : 'were'} not reported as new: ${still.why}; learn from a longer baseline`,
      });
    }
  }
  return out;
}
