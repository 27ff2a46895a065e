/**
 * The pipeline settings (`--config FILE`): how THIS machine runs the pipeline. Read and validated
 * before any machine starts. Secrets never live here: only the NAMES of env vars that hold them.
 */
import type { RetryableStep } from '../dag.js';

export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per attempt; the work is aborted when it expires. */
  readonly timeoutMs: number;
}

/** How raw lines become events. */
export type LogFormat =
  | {
      readonly type: 'loghub';
      /** e.g. `<Date> <Time> <Level> <Component>: <Content>`; `<Content>` is the message. */
      readonly pattern: string;
      /** Header fields that make the timestamp, joined by a space, e.g. ['Date', 'Time']. */
      readonly timestampFields?: readonly string[];
      /** Optional layout such as `yyMMdd HHmmss`; auto-detected when absent. */
      readonly timestampLayout?: string;
      readonly levelField?: string;
      readonly streamField?: string;
    }
  | {
      readonly type: 'json';
      readonly messageField: string;
      readonly timestampField?: string;
      readonly levelField?: string;
      readonly streamField?: string;
    }
  /** CloudWatch events: timestamp + message, where the message may itself be JSON. */
  | { readonly type: 'cloudwatch'; readonly messageField?: string; readonly levelField?: string }
  /** No header: the whole line is the message, no timestamp. */
  | { readonly type: 'raw' }
  /** A named format (src/detector/format/presets.ts): `postgresql`, `syslog`, `access-log`... */
  | { readonly type: 'preset'; readonly name: string }
  /** `key=value key="quoted value"` pairs; `msg`, `time`, `level` are read by name. */
  | { readonly type: 'logfmt' }
  /** Guess from the first lines of the first file (src/detector/format/sniff.ts). */
  | { readonly type: 'auto' };

export interface FileSource {
  readonly type: 'file';
  /**
   * Files, directories (read recursively) or globs (`*`, `**`, `?`, `{a,b}`), relative to the
   * settings file. Gzip is read transparently (recognised by its bytes, not its name).
   */
  readonly paths: readonly string[];
  /** Inside a directory named in `paths`: the files to read (globs relative to it; default every file at any depth). */
  readonly include?: readonly string[];
  /** Lines longer than this many bytes are truncated to it and counted (default 65536). */
  readonly maxLineBytes?: number;
  /** A window with no events is a normal outcome here (default false: the run fails, as broken log shipping would). */
  readonly allowEmpty?: boolean;
}

export interface CloudWatchSource {
  readonly type: 'cloudwatch';
  readonly region: string;
  readonly profile?: string;
  readonly roleArn?: string;
  readonly endpoint?: string;
  readonly logGroups: readonly string[];
  readonly streamNames?: readonly string[];
  readonly streamPrefix?: string;
  readonly filterPattern?: string;
  /** `1h`, `30m`, `2d`: the window ends now. Or from/to (ISO). */
  readonly since?: string;
  readonly from?: string;
  readonly to?: string;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly retryMode?: 'standard' | 'adaptive';
  /** Standard mode only: base of the SDK retry backoff (full jitter, doubling); SDK default when absent. */
  readonly retryBaseDelayMs?: number;
  /** A window with no events is a normal outcome here (default false: the run fails). */
  readonly allowEmpty?: boolean;
}

export type LogSource = FileSource | CloudWatchSource;

export interface DetectionConfigSource {
  /** A local path (relative to the settings file) or an http(s) URL of the SkyU config service. */
  readonly location: string;
  /** Name of the env var holding a bearer token for the config service. */
  readonly tokenEnv?: string;
  readonly timeoutMs?: number;
  /** When the service is unreachable: use the last good cached copy (with a warning) or fail. */
  readonly onUnreachable?: 'use-cache' | 'fail';
  /** Directory for the ETag cache; default `<output.dir>/.cache/config`. */
  readonly cacheDir?: string;
  /** Hosts the location may name even though they are link-local or metadata addresses. */
  readonly allowHosts?: readonly string[];
}

export type DetectorSettings =
  | {
      readonly type: 'builtin';
      /** Where the learned baseline model lives (updated after each run). */
      readonly modelPath?: string;
      /** Log files to learn a baseline from when there is no model yet. */
      readonly baseline?: readonly string[];
      readonly maxTemplates?: number;
      /** Extra masking regexes applied before template mining. */
      readonly masks?: readonly string[];
      /** A regex whose first group (or whole match) identifies a session (request/trace/block id). */
      readonly sessionKey?: string;
    }
  | { readonly type: 'command'; readonly command: readonly string[]; readonly timeoutMs?: number };

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** true = TLS from the start (465); false = STARTTLS when offered. */
  readonly secure: boolean;
  readonly requireTls?: boolean;
  readonly userEnv?: string;
  readonly passEnv?: string;
  readonly from: string;
  readonly pool: boolean;
  /** Pooled connections opened at most (nodemailer maxConnections); default 3. */
  readonly maxConnections?: number;
  /** nodemailer rateLimit/rateDelta: at most `rateLimit` messages per `rateDeltaMs`. */
  readonly rateLimit: number;
  readonly rateDeltaMs: number;
  /** Accept self-signed certificates (test servers only). */
  readonly tlsInsecure?: boolean;
}

export type UploadSettings =
  | { readonly type: 'local'; readonly dir: string }
  | {
      readonly type: 'http';
      readonly baseUrl: string;
      readonly tokenEnv?: string;
      readonly timeoutMs?: number;
    }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly prefix?: string;
      readonly region: string;
      readonly endpoint?: string;
      readonly forcePathStyle?: boolean;
      readonly profile?: string;
      readonly sse?: 'AES256' | 'aws:kms';
      readonly kmsKeyId?: string;
      /** Seconds a presigned link for the email stays valid; none when absent. */
      readonly presignSeconds?: number;
      readonly partSizeMb?: number;
    };

export interface NatsSettings {
  readonly servers: readonly string[];
  readonly tokenEnv?: string;
  readonly userEnv?: string;
  readonly passEnv?: string;
  readonly credsFile?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  /** Prefix of subjects, stream, bucket names: lets tests and tenants share a server. */
  readonly prefix: string;
  readonly stream: { readonly maxAgeSeconds: number; readonly maxBytes: number; readonly maxMsgs: number };
}

/** One entry of `schedules:` (run by `log-anomaly serve`; see docs/configuration.md). */
export interface ScheduleSettings {
  /** Names the runs: `<name>-YYYYMMDD-HHMMSS` (the tick's UTC time). */
  readonly name: string;
  /** Five fields (minute precision) or six (seconds first). */
  readonly cron: string;
  /** IANA zone the cron fields are read in; default UTC. */
  readonly timezone: string;
  /** Each tick covers [tick - window, tick), e.g. 15m. */
  readonly window: string;
  readonly windowMs: number;
  /** A tick while the previous run still goes: dropped (skip) or run after it (queue). */
  readonly overlap: 'skip' | 'queue';
  /** After downtime, run at most this many of the missed ticks (the latest ones); 0 = none. */
  readonly catchup: number;
}

export interface PipelineSettings {
  /** Absolute path of the settings file (relative paths inside it resolve from its directory). */
  readonly file: string;
  readonly source: LogSource;
  readonly format: LogFormat;
  readonly detectionConfig: DetectionConfigSource;
  readonly install: { readonly commands: readonly (readonly string[])[] };
  readonly detector: DetectorSettings;
  /** Absent: emails are previewed as .eml files in the run directory. */
  readonly smtp?: SmtpSettings;
  readonly upload: UploadSettings;
  readonly steps: Readonly<Record<RetryableStep, RetryPolicy>>;
  readonly output: { readonly dir: string };
  /** The mutes file: `mutes.file`, else `mutes.json` beside detector.modelPath, else in output.dir. */
  readonly mutes: { readonly file: string };
  readonly nats?: NatsSettings;
  /** Absent or empty: `serve` has nothing to do. */
  readonly schedules?: readonly ScheduleSettings[];
}
