/** What every detector reads at the end of a run: the run's counts, the baseline and the config. */
import type { DetectionConfig } from '../../config/detection-types.js';
import type { BaselineModel } from '../baseline/model.js';
import type { RunStats } from '../run-stats.js';

// The detectors read the run's counts through here; they are declared with the engine that fills them.
export { LevelClass, type RunStats, type TemplateAcc } from '../run-stats.js';

export interface DetectorInput {
  readonly run: RunStats;
  readonly baseline: BaselineModel | null;
  readonly config: DetectionConfig;
}
