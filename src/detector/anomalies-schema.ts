/**
 * `anomalies.json`: the detector's output, documented and versioned. The built-in engine and any
 * external `detector.command` must both produce this shape (validated before use).
 */
import type { AnomalyKind, Severity } from '../config/detection-types.js';

export const ANOMALIES_SCHEMA = 'log-anomaly-pipeline/anomalies' as const;
/** 2 added `incidents`; version 1 documents (from older external detectors) are still read. */
export const ANOMALIES_VERSION = 2 as const;
export const ANOMALIES_READABLE_VERSIONS: readonly number[] = [1, 2];

export interface AnomalySample {
  /** The original line text (untrusted: escape before display). */
  readonly line: string;
  /** 1-based line number in the events file (or source file where known). */
  readonly lineNo: number;
  readonly stream: string;
  /** Epoch milliseconds, null when the line had none. */
  readonly timestamp: number | null;
}

export interface Anomaly {
  /** Stable within a run: `<kind>:<templateId>[:<bucket>|:<session>]`. */
  readonly id: string;
  readonly kind: AnomalyKind;
  readonly severity: Severity;
  /** Higher is more anomalous; comparable within a kind, roughly 0..10+ across kinds. */
  readonly score: number;
  readonly template: string;
  readonly templateId: string;
  readonly count: number;
  /** The baseline's expectation for the same window, null when there is none. */
  readonly expected: number | null;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly stream?: string;
  /** One sentence: why this was flagged. */
  readonly explanation: string;
  readonly samples: readonly AnomalySample[];
  /** Bucket start (epoch ms) for per-bucket kinds; session key for session anomalies. */
  readonly bucket?: number;
  readonly session?: string;
}

/** A group of anomalies that are one event in the world: src/detector/incidents.ts groups them. */
export interface Incident {
  /** `inc-<hash of the trigger's kind and template>`: the same cause gets the same id tomorrow. */
  readonly id: string;
  /** Words for a subject line: `payments: db connection pool exhausted`. */
  readonly title: string;
  readonly severity: Severity;
  /** The finding id of the probable trigger (the earliest onset). */
  readonly trigger: string;
  /** Finding ids, ordered by onset (trigger first). */
  readonly findings: readonly string[];
  readonly streams: readonly string[];
  /** Epoch ms of the earliest onset and latest end, null when no finding has a time. */
  readonly onset: number | null;
  readonly end: number | null;
  /** Lines involved: the sum of the findings' counts. */
  readonly volume: number;
}

/** Something the run could not check (no input, empty baseline...): see detector/notices.ts. */
export interface DetectionNotice {
  readonly code: string;
  readonly message: string;
}

export interface AnomaliesDoc {
  readonly schema: typeof ANOMALIES_SCHEMA;
  readonly version: typeof ANOMALIES_VERSION;
  readonly generatedAt: string;
  readonly detector: { readonly name: string; readonly version: string };
  readonly input: {
    readonly lines: number;
    readonly streams: readonly string[];
    readonly from: number | null;
    readonly to: number | null;
    readonly templates: number;
    /** Lines longer than the line cap, truncated to it (absent when none were). */
    readonly truncatedLines?: number;
  };
  readonly baseline: { readonly lines: number; readonly templates: number; readonly source: string } | null;
  readonly bucketSeconds: number;
  /** Event volume per bucket from `start`, with the anomalous buckets marked. */
  readonly histogram: {
    readonly start: number | null;
    readonly bucketSeconds: number;
    readonly counts: readonly number[];
    readonly anomalous: readonly boolean[];
  };
  readonly anomalies: readonly Anomaly[];
  /** The anomalies grouped (src/detector/incidents.ts): each anomaly id in exactly one incident. */
  readonly incidents: readonly Incident[];
  /** What could not be checked; absent or empty when everything was. */
  readonly notices?: readonly DetectionNotice[];
}
