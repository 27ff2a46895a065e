/** Thresholds used when no detection config is given (`detect` without --config, tests). */
import { defaultDetectionConfig, type DetectionConfig } from '../config/detection-config.js';

// The schema's defaults, written once there: a config that only names a version gets exactly these.
export const DEFAULT_DETECTION_CONFIG: DetectionConfig = defaultDetectionConfig('builtin-defaults', 'builtin defaults');
