/**
 * The pipeline settings (`--config FILE`): how THIS machine runs the pipeline. Read and validated
 * before any machine starts. Secrets never live here: only the NAMES of env vars that hold them.
 *
 * Every type is inferred from the schema (settings-schema.ts, where each key and its comment
 * live): a key added there is typed here, with no second declaration to keep in step.
 */
import type { Infer } from './yaml-schema.js';
import type {
  WrittenSettings,
  detectionConfigSourceSchema,
  detectorSchema,
  formatSchema,
  natsSchema,
  smtpSchema,
  sourceSchema,
  uploadSchema,
} from './settings-schema.js';
import type { schedulesSchema } from './schedules-schema.js';

export type { RetryPolicy } from './settings-schema.js';

/** How raw lines become events. */
export type LogFormat = Infer<typeof formatSchema>;
export type LogSource = Infer<typeof sourceSchema>;
export type FileSource = Extract<LogSource, { type: 'file' }>;
export type CloudWatchSource = Extract<LogSource, { type: 'cloudwatch' }>;
export type DetectionConfigSource = Infer<typeof detectionConfigSourceSchema>;
export type DetectorSettings = Infer<typeof detectorSchema>;
export type SmtpSettings = Infer<typeof smtpSchema>;
export type UploadSettings = Infer<typeof uploadSchema>;
export type NatsSettings = Infer<typeof natsSchema>;
/** One entry of `schedules:` (run by `log-anomaly serve`; see docs/configuration.md). */
export type ScheduleSettings = Infer<ReturnType<typeof schedulesSchema>>[number];

/** The settings once resolved (settings.ts): absolute paths, an upload target and a mutes file always. */
export type PipelineSettings = Omit<WrittenSettings, 'upload' | 'mutes' | 'schedules'> & {
  /** Absolute path of the settings file (relative paths inside it resolve from its directory). */
  readonly file: string;
  readonly upload: UploadSettings;
  /** The mutes file: `mutes.file`, else `mutes.json` beside detector.modelPath, else in output.dir. */
  readonly mutes: { readonly file: string };
  /** Absent or empty: `serve` has nothing to do (settings built in code may leave it out). */
  readonly schedules?: WrittenSettings['schedules'];
};
