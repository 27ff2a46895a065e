/**
 * The detector module's public surface: run detection over line sources, learn and persist the
 * baseline, validate an external detector's output. Everything else in src/detector is internal.
 */
export { runDetector, type LineSource, type DetectorRunResult } from './run.js';
export { type EngineLine } from './engine.js';
export { DEFAULT_DETECTION_CONFIG } from './defaults.js';
export { loadModel, saveModel } from './baseline/store.js';
export { type BaselineModel } from './baseline/model.js';
export { validateAnomaliesDoc } from './validate.js';
export { fileSource, arraySource } from './input/files.js';
export { mergeSources } from './input/merge.js';
export { readEvents } from './input/events.js';
export { readLineBatches } from './input/read-lines.js';
export { templatesCsv } from './templates-csv.js';
export type { AnomaliesDoc } from './anomalies-schema.js';
