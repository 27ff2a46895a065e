/**
 * The detection config's names: the kinds and severities, and the types inferred from the schema
 * in detection-config.ts (each key and its comment live there, written once).
 */
import type { Infer } from './yaml-schema.js';
import type { kindRuleSchema, muteSchema } from './detection-config.js';

export { AnomalyKind, Severity, SEVERITY_ORDER, WebhookFormat } from './detection-config.js';
export type { ConfigPosition, DetectionConfig, RouteRule, WebhookConfig } from './detection-config.js';
export type KindRule = Infer<typeof kindRuleSchema>;
export type ConfigMute = Infer<typeof muteSchema>;
