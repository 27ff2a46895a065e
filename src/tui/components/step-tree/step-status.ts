/** The words and numbers of a step row (pure, so they are tested without rendering). */
import type { StepView } from '../../run-view-types.js';
import { formatDuration } from '../../format.js';

export function stepStatusText(step: StepView, now: number): string {
  switch (step.status) {
    case 'retrying': {
      const n = step.attempt !== undefined && step.maxAttempts !== undefined ? ` ${step.attempt}/${step.maxAttempts}` : '';
      const wait = step.nextAttemptAt !== undefined ? Math.max(0, step.nextAttemptAt - now) : undefined;
      return `retrying${n}${wait !== undefined ? ` in ${Math.ceil(wait / 1000)}s` : ''}`;
    }
    case 'running':
      return step.attempt !== undefined && step.attempt > 1 && step.maxAttempts !== undefined
        ? `running ${step.attempt}/${step.maxAttempts}`
        : 'running';
    case 'skipped':
      return step.reason ? `skipped (${step.reason})` : 'skipped';
    case 'failed':
      return step.error ? `failed ${step.error.code}` : 'failed';
    default:
      return step.status;
  }
}

export function stepDuration(step: StepView, now: number): string {
  if (step.durationMs !== undefined) return formatDuration(step.durationMs);
  if ((step.status === 'running' || step.status === 'retrying') && step.startedAt !== undefined) {
    return formatDuration(Math.max(0, now - step.startedAt));
  }
  return '';
}
