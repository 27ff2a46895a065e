/**
 * What the engine accumulates while lines stream through, and what every detector reads at the
 * end. Kept flat and numeric so a 10M-line run costs a map lookup and two increments per line.
 * Its own module (not detect/types.ts) because the baseline reads it too, and the detectors read
 * the baseline.
 */
import type { AnomalySample } from './anomalies-schema.js';

/** Lines of one template inside one time bucket. */
export interface BucketCell {
  n: number;
  /** Problem (error/warn) lines among n. */
  errors: number;
  /** The first few lines of this bucket, for evidence (the first one's timestamp starts the cell). */
  samples: AnomalySample[];
  /** Latest timestamp in the cell: with the first line's, the gaps between cells (baseline rhythm). */
  last: number;
}

export const LevelClass = { normal: 0, warn: 1, error: 2 } as const;
export type LevelClass = (typeof LevelClass)[keyof typeof LevelClass];

export interface TemplateAcc {
  readonly id: string;
  template: string;
  count: number;
  errors: number;
  /** Worst level class seen on this template's lines. */
  level: LevelClass;
  firstSeen: number | null;
  lastSeen: number | null;
  firstStream: string;
  /** The first few lines overall (for new/rare templates). */
  samples: AnomalySample[];
  readonly buckets: Map<number, BucketCell>;
  /** Cache of the last bucket touched: input is mostly in time order. */
  lastBucket: number;
  lastCell: BucketCell | null;
}

export interface TotalsCell {
  n: number;
  errors: number;
  /** Earliest and latest timestamps of any line in the bucket (gaps of the whole source). */
  first: number;
  last: number;
}

/** Lines of one stream inside one bucket: how many, and the first and last timestamps. */
export interface StreamCell {
  n: number;
  first: number;
  last: number;
}

/** Everything the detectors need, produced by the engine after the last line. */
export interface RunStats {
  readonly lines: number;
  readonly bucketMs: number;
  readonly from: number | null;
  readonly to: number | null;
  readonly templates: ReadonlyMap<string, TemplateAcc>;
  readonly totals: ReadonlyMap<number, TotalsCell>;
  readonly streams: readonly string[];
  /** Per stream, its lines per bucket (a stream that stops while others go on is a finding). */
  readonly streamCells?: ReadonlyMap<string, ReadonlyMap<number, StreamCell>>;
}
