/**
 * The detection config's names: the kinds and severities, and the types inferred from the schema
 * in detection-config.ts (each key and its comment live there, written once).
 */
export { AnomalyKind, Severity, SEVERITY_ORDER } from './detection-config.js';
export type { ConfigPosition, DetectionConfig, RouteRule, WebhookConfig } from './detection-config.js';
