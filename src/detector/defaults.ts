/** Thresholds used when no detection config is given (`detect` without --config, tests). */
import type { DetectionConfig } from '../config/detection-types.js';

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  version: 'builtin-defaults',
  thresholds: {
    bucketSeconds: 300,
    spikeFactor: 3,
    dropFactor: 3,
    errorRateFactor: 3,
    minCount: 5,
    rareMaxCount: 3,
  },
  rules: { minSeverity: 'low', kinds: {} },
  ignore: [],
  mutes: [],
  notify: { recipients: [], minSeverity: 'high', subjectPrefix: '[log-anomaly]' },
};
