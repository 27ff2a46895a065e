/**
 * The inputs and outputs of every step, shared by the machines (which pass them along) and the
 * services (which implement them). Types only: importing this file pulls in no I/O.
 */
import type { DetectionConfig, WebhookConfig } from './config/detection-types.js';
import type {
  DetectionConfigSource,
  DetectorSettings,
  LogFormat,
  LogSource,
  SmtpSettings,
  UploadSettings,
} from './config/settings-types.js';
import type { AnomalyBrief, IncidentBrief, RunSummary } from './bus/events.js';

export interface RunParamsInput {
  readonly runId: string;
  readonly skipInstall: boolean;
  readonly dryRun: boolean;
  /** Send again (same Message-ID) to recipients whose delivery an earlier process left unknown. */
  readonly resendUnknown?: boolean;
  /** The time window a scheduled run covers (ISO); carried into the run's params and run.json. */
  readonly window?: { readonly from: string; readonly to: string };
  /** The schedule that started the run (`serve`). */
  readonly schedule?: string;
}

// install_packages
export interface InstallInput {
  readonly commands: readonly (readonly string[])[];
  readonly cwd: string;
}
export interface InstallOutput {
  readonly ran: number;
}

// execute_cloudwatchLog_injetion (any source type)
export interface IngestInput {
  readonly runDir: string;
  readonly source: LogSource;
  readonly format: LogFormat;
  /** Directory that relative source paths resolve from (the settings file's). */
  readonly baseDir: string;
  /** How often file ingestion saves a mid-file checkpoint (ms; default 2000). */
  readonly checkpointEveryMs?: number;
}
export interface IngestOutput {
  /** NDJSON, one `{"timestamp":ms|null,"stream":"...","message":"...","level"?:"..."}` per line. */
  readonly eventsFile: string;
  readonly lines: number;
  readonly bytes: number;
  readonly streams: readonly string[];
  /** Lines that did not match the format (kept as raw messages, counted here). */
  readonly unparsed: number;
  /** The format lines were read with (given or auto-detected) and how many lines it matched. */
  readonly format?: { readonly name: string; readonly detected: boolean; readonly lines: number; readonly matched: number; readonly joined: number };
  /** Lines longer than the line cap, truncated to it (file sources). */
  readonly truncated?: number;
  readonly from: number | null;
  readonly to: number | null;
  /** Human description, e.g. `file:examples/logs/*.log (3 files)`. */
  readonly source: string;
}

// download_config_yaml
/**
 * Environment variables by name. As `secrets`: only the ones a step's settings name (tokenEnv,
 * userEnv, passEnv), read by the composition root and added to the input as the step starts, so
 * they never enter a machine's context, its saved snapshot or an event. Services never read
 * process.env themselves.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export interface DownloadConfigInput {
  readonly runDir: string;
  /** The bearer token's variable (`source.tokenEnv`), from the composition root. */
  readonly secrets?: Env;
  readonly source: DetectionConfigSource;
  readonly baseDir: string;
  /** The step's total attempts (settings.steps.download_config_yaml.attempts): the cached-copy
   * fallback is used only on the last one, so a flaky service is retried first. Absent: at once. */
  readonly attempts?: number;
}
export interface DownloadConfigOutput {
  readonly config: DetectionConfig;
  readonly version: string;
  readonly origin: string;
  readonly etag?: string;
  readonly revision?: string;
  readonly fromCache: boolean;
  /** The service was unreachable and the last good cached copy was used (a warning was logged). */
  readonly stale?: boolean;
  /** The validated YAML as fetched, copied into the run directory. */
  readonly file: string;
}

// execute_logAnomaly
export interface DetectInput {
  readonly runDir: string;
  /** The environment an external detector command starts with (the composition root passes its own). */
  readonly env?: Env;
  readonly eventsFile: string;
  readonly config: DetectionConfig;
  readonly detector: DetectorSettings;
  readonly baseDir: string;
  /** The pipeline's log format: how to read `detector.baseline` files (raw log files). Default raw. */
  readonly format?: LogFormat;
  /** Accepted templates in it are learned as normal even where they were flagged. */
  readonly mutesFile?: string;
}
export interface DetectOutput {
  readonly anomaliesFile: string;
  readonly templatesFile: string;
  readonly lines: number;
  readonly templates: number;
  readonly anomalies: number;
}

// analyze_report
export interface AnalyzeInput {
  readonly runDir: string;
  readonly runId: string;
  readonly dryRun: boolean;
  readonly anomaliesFile: string;
  readonly config: DetectionConfig;
  readonly configMeta: { readonly version: string; readonly origin: string; readonly etag?: string; readonly revision?: string };
  readonly ingest: Pick<IngestOutput, 'lines' | 'streams' | 'from' | 'to' | 'source'>;
  /** Where the report will be once uploaded (upload is deterministic), for links. */
  readonly plannedReportUri?: string;
  /** Findings its active entries (and the config's `mutes`) cover are suppressed as muted or accepted. */
  readonly mutesFile?: string;
}
export interface AnalyzeOutput {
  readonly reportJson: string;
  readonly reportMd: string;
  readonly reportHtml: string;
  readonly shouldNotify: boolean;
  /** Why (not) notify, one sentence. */
  readonly notifyReason: string;
  /** Who is told: the recipients whose rule matched at least one incident. */
  readonly recipients: readonly string[];
  /** What each of them is told (their incidents, most severe first; `total` before the cap). */
  readonly routes?: readonly { readonly to: string; readonly incidents: readonly IncidentBrief[]; readonly total: number }[];
  /** The webhooks whose rule matched at least one incident, each with its incidents (env var names, never values). */
  readonly webhooks?: readonly WebhookRoute[];
  readonly reported: number;
  readonly total: number;
  readonly bySeverity: Record<string, number>;
  /** Reported findings per kind, then severity. */
  readonly byKind?: Record<string, Record<string, number>>;
  readonly top: readonly AnomalyBrief[];
  /** The reported findings grouped into incidents, most severe first. */
  readonly incidents: readonly IncidentBrief[];
  readonly histogram?: RunSummary['histogram'];
  /** The ingest's source description, for the email subject (`N anomalies in <source>`). */
  readonly source?: string;
}

// send_notification_emails
export interface EmailInput {
  readonly runDir: string;
  /** The SMTP login's variables (`smtp.userEnv`, `smtp.passEnv`), from the composition root. */
  readonly secrets?: Env;
  readonly runId: string;
  readonly analysis: AnalyzeOutput;
  readonly subjectPrefix: string;
  /** Absent: write .eml previews through nodemailer's stream transport. */
  readonly smtp?: SmtpSettings;
  readonly reportUri?: string;
  /** Send again, with the same Message-ID, to recipients whose earlier delivery is unknown. */
  readonly resendUnknown?: boolean;
}
export interface EmailOutput {
  readonly status: 'sent' | 'previewed' | 'already_sent' | 'not_needed';
  readonly recipients: number;
  readonly messageIds: readonly string[];
  /** Recipients the server refused for good (5xx); the others were still notified. */
  readonly rejected?: readonly string[];
  /**
   * Recipients whose delivery is unknown: an earlier process died after the message went out and
   * before the 250 was recorded. Not sent again unless `resendUnknown`.
   */
  readonly unknown?: readonly string[];
  /** Each configured webhook's delivery (the notification step sends both channels). */
  readonly webhooks?: readonly WebhookDelivery[];
}

// webhooks (inside send_notification_emails: same step, same ledger rules, same retry policy)
export interface WebhookRoute extends Omit<WebhookConfig, 'streams' | 'kinds' | 'minSeverity'> {
  readonly incidents: readonly IncidentBrief[];
  /** Incidents matched before the cap. */
  readonly total: number;
}
/** A webhook route with its endpoint, read from the environment by the composition root. */
export interface WebhookTarget extends WebhookRoute {
  readonly url: string;
  readonly secret?: string;
}
export interface WebhookInput {
  readonly runDir: string;
  readonly runId: string;
  readonly analysis: AnalyzeOutput;
  readonly targets: readonly WebhookTarget[];
  readonly reportUri?: string;
  /** Post again, with the same delivery id, to webhooks whose earlier delivery is unknown. */
  readonly resendUnknown?: boolean;
}
export interface WebhookDelivery {
  readonly name: string;
  readonly format: WebhookConfig['format'];
  /** `scheme://host/…`: the path of a webhook URL is often its secret (Slack). */
  readonly url: string;
  /**
   * sent: a 2xx now; already_sent: by an earlier attempt or execution; failed: not delivered (see
   * `retryable`); unknown: the request went out and no answer came (a timeout, a kill), not posted
   * again unless resendUnknown.
   */
  readonly status: 'sent' | 'already_sent' | 'failed' | 'unknown';
  /** The idempotency key (X-LogAnomaly-Delivery), the same on every post of this delivery. */
  readonly deliveryId?: string;
  readonly httpStatus?: number;
  readonly error?: string;
  readonly retryable?: boolean;
}
export interface WebhookOutput {
  readonly deliveries: readonly WebhookDelivery[];
}

// upload_report
export interface UploadInput {
  readonly runDir: string;
  /** The upload token's variable (`upload.tokenEnv` of an http upload), from the composition root. */
  readonly secrets?: Env;
  readonly runId: string;
  readonly upload: UploadSettings;
  readonly baseDir: string;
  /** File names inside runDir to upload. */
  readonly artifacts: readonly string[];
}
export interface UploadOutput {
  /** URI of the uploaded report (report.html), what the email links to. */
  readonly uri: string;
  readonly files: readonly { readonly name: string; readonly uri: string; readonly bytes: number }[];
  /** An https link to the report for people when the backend makes one (S3 presigned GET). */
  readonly link?: string;
}

import type { ServiceContext } from './services/context.js';

/** One implementation per step; the composition root plugs these into the machines by name. */
export interface Services {
  // Properties, not methods: each is a plain function the composition root passes around unbound.
  installPackages: (input: InstallInput, ctx: ServiceContext) => Promise<InstallOutput>;
  ingestLogs: (input: IngestInput, ctx: ServiceContext) => Promise<IngestOutput>;
  downloadConfig: (input: DownloadConfigInput, ctx: ServiceContext) => Promise<DownloadConfigOutput>;
  executeLogAnomaly: (input: DetectInput, ctx: ServiceContext) => Promise<DetectOutput>;
  analyzeReport: (input: AnalyzeInput, ctx: ServiceContext) => Promise<AnalyzeOutput>;
  sendNotificationEmails: (input: EmailInput, ctx: ServiceContext) => Promise<EmailOutput>;
  /** Runs inside the send_notification_emails step, next to the emails. */
  sendWebhooks: (input: WebhookInput, ctx: ServiceContext) => Promise<WebhookOutput>;
  uploadReport: (input: UploadInput, ctx: ServiceContext) => Promise<UploadOutput>;
}

/** What a finished run resolves to (runPipeline's result; the CLI maps it to an exit code). */
export interface RunResult {
  readonly runId: string;
  readonly runDir: string;
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly exitCode: number;
  readonly failedStep?: string;
  readonly error?: import('./errors.js').ErrorInfo;
  readonly summary?: RunSummary;
}
