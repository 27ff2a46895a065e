/**
 * The detector module's public surface: run detection over line sources, learn and persist the
 * baseline, validate an external detector's output. Everything else in src/detector is internal.
 */
export { runDetector, compileRegex, type LineSource, type DetectorRunOptions, type DetectorRunResult } from './run.js';
export { createEngine, flaggedCells, DETECTOR_NAME, DETECTOR_VERSION, type EngineLine, type EngineOptions, type EngineResult, type DetectionEngine } from './engine.js';
export { DEFAULT_DETECTION_CONFIG } from './defaults.js';
export { loadModel, saveModel, checkModel } from './baseline/store.js';
export { foldRun, DEFAULT_MAX_TEMPLATES } from './baseline/learn.js';
export { BASELINE_SCHEMA, BASELINE_VERSION, type BaselineModel } from './baseline/model.js';
export { validateAnomaliesDoc } from './validate.js';
export { fileSource, arraySource, streamNameOf } from './input/files.js';
export { mergeSources } from './input/merge.js';
export { readEvents } from './input/events.js';
export { readLineBatches } from './input/read-lines.js';
export { templatesCsv } from './templates-csv.js';
export type { AnomaliesDoc, Anomaly, AnomalySample } from './anomalies-schema.js';
