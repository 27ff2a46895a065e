/**
 * The declarative schema of the pipeline settings file: every key, its type, bounds and default.
 * The settings types are inferred from it (settings-types.ts names them), so each key is written
 * once, with its comment here. docs/configuration.md is the prose version; keep them in step.
 */
import { RETRYABLE_STEPS, type RetryableStep } from '../dag.js';
import { hasUserInfo, redactUrl } from '../util/redact-url.js';
import { schedulesSchema } from './schedules-schema.js';
import { bool, def, defaults, fail, list, num, obj, oneOf, opt, refine, regex, req, sameFields, str, tagged, type Infer, type Schema } from './yaml-schema.js';
import { PRESET_NAMES } from '../detector/format/presets.js';

const SECRET_HINT = (k: string) => `secrets never go in the settings file: put the value in an environment variable and name it with ${k}`;
const SECRETS = {
  password: SECRET_HINT('passEnv'),
  pass: SECRET_HINT('passEnv'),
  token: SECRET_HINT('tokenEnv'),
  secret: SECRET_HINT('an *Env key'),
  apiKey: SECRET_HINT('tokenEnv'),
  authorization: SECRET_HINT('tokenEnv'),
  secretAccessKey: 'AWS credentials come from the default credential chain or a profile, never from this file',
  accessKeyId: 'AWS credentials come from the default credential chain or a profile, never from this file',
};

const MIN = 60_000;
export const DEFAULT_TIMEOUTS: Readonly<Record<RetryableStep, number>> = {
  install_packages: 10 * MIN,
  execute_cloudwatchLog_injetion: 10 * MIN,
  download_config_yaml: 30_000,
  execute_logAnomaly: 10 * MIN,
  analyze_report: MIN,
  send_notification_emails: 2 * MIN,
  upload_report: 5 * MIN,
};

const RETRY_DEFAULTS = { attempts: 3, baseDelayMs: 500, maxDelayMs: 10_000 };

/** The policy a step gets when the settings name none (its type is RetryPolicy, inferred below). */
export function defaultRetryPolicy(step: RetryableStep) {
  return { ...RETRY_DEFAULTS, timeoutMs: DEFAULT_TIMEOUTS[step] };
}

const envName = () => str({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: 'an environment variable name' });
const duration = () => str({ pattern: /^[1-9]\d*(ms|s|m|h|d|w)$/, what: 'a duration such as 30m, 1h or 2d' });
const isoTime = (): Schema<string> => (node, at) => {
  const v = str()(node, at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) return str({ pattern: /^$/, what: 'an ISO-8601 time such as 2026-11-26T09:00:00Z' })(node, at);
  return v;
};
const argv = () => list(str(), { min: 1 });
const logGroup = () =>
  str({
    pattern: /^(?!arn:)[\w./#-]{1,512}$|^arn:aws[\w-]*:logs:[\w-]+:\d{12}:log-group:[\w./#-]+(:\*)?$/,
    what: 'a log group name or a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)',
  });

type Problem = { key: string; problem: string } | undefined;

/** The CloudWatch time window and stream selection, as FilterLogEvents accepts them. */
function checkWindow(s: { since?: string; from?: string; to?: string; streamNames?: readonly string[]; streamPrefix?: string }): Problem {
  if (s.since && (s.from || s.to)) return { key: 'since', problem: 'use either since or from/to, not both' };
  if (s.to && !s.from) return { key: 'to', problem: 'to needs a from' };
  if (s.from && s.to && Date.parse(s.to) <= Date.parse(s.from)) return { key: 'to', problem: `must be after from (${s.from}), got ${JSON.stringify(s.to)}` };
  if (s.streamNames && s.streamPrefix) return { key: 'streamPrefix', problem: 'use either streamNames or streamPrefix, not both (CloudWatch accepts one)' };
  return undefined;
}

/** A user without a password (or the reverse) is a half-configured login: say so now, not at send time. */
const pairedEnv = (s: { userEnv?: string; passEnv?: string }): Problem =>
  s.userEnv && !s.passEnv ? { key: 'userEnv', problem: 'userEnv needs passEnv as well' } : s.passEnv && !s.userEnv ? { key: 'passEnv', problem: 'passEnv needs userEnv as well' } : undefined;

/** A URL never carries a login: it would be printed (redacted, but also kept in run.json and the settings hash). */
const noUserInfo =
  (inner: Schema<string>): Schema<string> =>
  (node, at) => {
    const v = inner(node, at);
    if (hasUserInfo(v) || /^[^/@\s:]+:[^/@\s]*@[\w.-]+:\d+$/.test(v)) {
      fail(at, `${redactUrl(v)}: a URL must not carry user info (user:password@); put the secret in an environment variable and name it with the *Env key`);
    }
    return v;
  };
const httpUrl = () => noUserInfo(str({ pattern: /^https?:\/\//, what: 'an http(s) URL' }));

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const location = (): Schema<string> => (node, at) => {
  const v = noUserInfo(str())(node, at);
  if (URL_SCHEME.test(v) && !/^https?:\/\//i.test(v)) fail(at, `expected a local path or an http(s) URL, got ${JSON.stringify(v)}`);
  return v;
};

/** How raw lines become events. */
export const formatSchema = tagged({
  loghub: obj(
    {
      /** e.g. `<Date> <Time> <Level> <Component>: <Content>`; `<Content>` is the message. */
      pattern: req(str({ pattern: /<Content>/, what: 'a format string with a <Content> field, e.g. "<Date> <Time> <Level>: <Content>"' })),
      /** Header fields that make the timestamp, joined by a space, e.g. ['Date', 'Time']. */
      timestampFields: opt(list(str(), { min: 1 })),
      /** Optional layout such as `yyMMdd HHmmss`; auto-detected when absent. */
      timestampLayout: opt(str()),
      levelField: opt(str()),
      streamField: opt(str()),
    },
    { ignore: ['type'] },
  ),
  json: obj(
    { messageField: def(str(), 'message'), timestampField: opt(str()), levelField: opt(str()), streamField: opt(str()) },
    { ignore: ['type'] },
  ),
  /** CloudWatch events: timestamp + message, where the message may itself be JSON. */
  cloudwatch: obj({ messageField: opt(str()), levelField: opt(str()) }, { ignore: ['type'] }),
  /** No header: the whole line is the message, no timestamp. */
  raw: obj({}, { ignore: ['type'] }),
  /** A named format (src/detector/format/presets.ts): `postgresql`, `syslog`, `access-log`... */
  preset: obj({ name: req(oneOf(PRESET_NAMES)) }, { ignore: ['type'] }),
  /** `key=value key="quoted value"` pairs; `msg`, `time`, `level` are read by name. */
  logfmt: obj({}, { ignore: ['type'] }),
  /** Guess from the first lines of the first file (src/detector/format/sniff.ts). */
  auto: obj({}, { ignore: ['type'] }),
});

const fileSource = obj(
  {
    /**
     * Files, directories (read recursively) or globs (`*`, `**`, `?`, `{a,b}`), relative to the
     * settings file. Gzip is read transparently (recognised by its bytes, not its name).
     */
    paths: req(list(str(), { min: 1, single: true })),
    /** Inside a directory named in `paths`: the files to read (globs relative to it; default every file at any depth). */
    include: opt(list(str(), { min: 1, single: true })),
    /** Lines longer than this many bytes are truncated to it and counted (default 65536). */
    maxLineBytes: opt(num({ int: true, min: 256, max: 16 * 1024 * 1024 })),
    /** A window with no events is a normal outcome here (default false: the run fails, as broken log shipping would). */
    allowEmpty: opt(bool()),
  },
  { ignore: ['type'] },
);

// Declared apart from refine(): inside the call TS infers the mapping as unknown (the check's own type gets in the way).
const cloudWatchFields = obj(
    {
      region: req(str({ pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, what: 'an AWS region such as eu-west-1' })),
      profile: opt(str()),
      roleArn: opt(str({ pattern: /^arn:aws[\w-]*:iam::\d{12}:role\//, what: 'an IAM role ARN' })),
      endpoint: opt(httpUrl()),
      logGroups: req(list(logGroup(), { min: 1, single: true })),
      streamNames: opt(list(str(), { min: 1 })),
      streamPrefix: opt(str()),
      filterPattern: opt(str({ nonEmpty: false })),
      /** `1h`, `30m`, `2d`: the window ends now. Or from/to (ISO). */
      since: opt(duration()),
      from: opt(isoTime()),
      to: opt(isoTime()),
      concurrency: opt(num({ int: true, min: 1, max: 32 })),
      maxAttempts: opt(num({ int: true, min: 1, max: 20 })),
      retryMode: opt(oneOf(['standard', 'adaptive'])),
      /** Standard mode only: base of the SDK retry backoff (full jitter, doubling); SDK default when absent. */
      retryBaseDelayMs: opt(num({ int: true, min: 1, max: 60_000 })),
      /** A window with no events is a normal outcome here (default false: the run fails). */
      allowEmpty: opt(bool()),
    },
    { ignore: ['type'], forbidden: SECRETS },
);
const cloudWatchSource = refine(cloudWatchFields, checkWindow);

export const sourceSchema = tagged({ file: fileSource, cloudwatch: cloudWatchSource });

export const uploadSchema = tagged({
  local: obj({ dir: req(str()) }, { ignore: ['type'] }),
  http: obj(
    { baseUrl: req(httpUrl()), tokenEnv: opt(envName()), timeoutMs: opt(num({ int: true, min: 1 })) },
    { ignore: ['type'], forbidden: SECRETS },
  ),
  s3: refine(
    obj(
      {
        bucket: req(str()),
        prefix: opt(str({ nonEmpty: false })),
        region: req(str()),
        endpoint: opt(httpUrl()),
        forcePathStyle: opt(bool()),
        profile: opt(str()),
        sse: opt(oneOf(['AES256', 'aws:kms'])),
        kmsKeyId: opt(str()),
        /** Seconds a presigned link for the email stays valid; none when absent. */
        presignSeconds: opt(num({ int: true, min: 1, max: 604_800 })),
        partSizeMb: opt(num({ min: 5, max: 5120 })),
      },
      { ignore: ['type'], forbidden: SECRETS },
    ),
    (s) => (s.kmsKeyId && s.sse !== 'aws:kms' ? { key: 'kmsKeyId', problem: 'kmsKeyId needs sse: aws:kms' } : undefined),
  ),
});

const retrySchema = (step: RetryableStep) => {
  const d = defaultRetryPolicy(step);
  return refine(
    obj({
      /** Total attempts including the first (1 = no retry). */
      attempts: def(num({ int: true, min: 1, max: 20 }), d.attempts),
      baseDelayMs: def(num({ int: true, min: 0 }), d.baseDelayMs),
      maxDelayMs: def(num({ int: true, min: 0 }), d.maxDelayMs),
      /** Per attempt; the work is aborted when it expires. */
      timeoutMs: def(num({ int: true, min: 1 }), d.timeoutMs),
    }),
    (p) => (p.maxDelayMs < p.baseDelayMs ? { key: 'maxDelayMs', problem: `must be >= baseDelayMs (${p.baseDelayMs}), got ${p.maxDelayMs}` } : undefined),
  );
};
export type RetryPolicy = Infer<ReturnType<typeof retrySchema>>;

export const detectionConfigSourceSchema = obj(
  {
    /** A local path (relative to the settings file) or an http(s) URL of the SkyU config service. */
    location: req(location()),
    /** Name of the env var holding a bearer token for the config service. */
    tokenEnv: opt(envName()),
    timeoutMs: opt(num({ int: true, min: 1 })),
    /** When the service is unreachable: use the last good cached copy (with a warning) or fail. */
    onUnreachable: opt(oneOf(['use-cache', 'fail'])),
    /** Directory for the ETag cache; default `<output.dir>/.cache/config`. */
    cacheDir: opt(str()),
    /** Hosts the location may name even though they are link-local or metadata addresses. */
    allowHosts: opt(list(str())),
  },
  { forbidden: SECRETS },
);

export const detectorSchema = tagged({
  builtin: obj(
    {
      /** Where the learned baseline model lives (updated after each run). */
      modelPath: opt(str()),
      /** Log files to learn a baseline from when there is no model yet. */
      baseline: opt(list(str(), { min: 1, single: true })),
      maxTemplates: opt(num({ int: true, min: 10 })),
      /** Extra masking regexes applied before template mining. */
      masks: opt(list(regex())),
      /** A regex whose first group (or whole match) identifies a session (request/trace/block id). */
      sessionKey: opt(regex()),
    },
    { ignore: ['type'] },
  ),
  command: obj({ command: req(argv()), timeoutMs: opt(num({ int: true, min: 1 })) }, { ignore: ['type'] }),
});

const smtpFields = obj(
    {
      host: req(str()),
      port: def(num({ int: true, min: 1, max: 65535 }), 587),
      /** true = TLS from the start (465); false = STARTTLS when offered. */
      secure: def(bool(), false),
      requireTls: opt(bool()),
      userEnv: opt(envName()),
      passEnv: opt(envName()),
      from: req(str({ pattern: /@/, what: 'a sender address' })),
      pool: def(bool(), true),
      /** Pooled connections opened at most (nodemailer maxConnections); default 3. */
      maxConnections: opt(num({ int: true, min: 1, max: 50 })),
      /** nodemailer rateLimit/rateDelta: at most `rateLimit` messages per `rateDeltaMs`. */
      rateLimit: def(num({ int: true, min: 1 }), 10),
      rateDeltaMs: def(num({ int: true, min: 1 }), 1000),
      /** Accept self-signed certificates (test servers only). */
      tlsInsecure: opt(bool()),
    },
    { forbidden: { ...SECRETS, user: SECRET_HINT('userEnv') } },
);
export const smtpSchema = refine(smtpFields, pairedEnv);

const natsFields = obj(
    {
      servers: def(list(noUserInfo(str({ pattern: /^(nats|tls|wss?):\/\/|^[\w.-]+:\d+$/, what: 'a NATS URL such as nats://127.0.0.1:4222' })), { single: true }), []),
      tokenEnv: opt(envName()),
      userEnv: opt(envName()),
      passEnv: opt(envName()),
      credsFile: opt(str()),
      tls: opt(obj({ caFile: opt(str()), certFile: opt(str()), keyFile: opt(str()) })),
      /** Prefix of subjects, stream, bucket names: lets tests and tenants share a server. */
      prefix: def(str({ pattern: /^[A-Za-z0-9_-]+$/, what: 'a name of letters, digits, _ and -' }), 'lap'),
      stream: defaults(
        obj({
          maxAgeSeconds: def(num({ int: true, min: 1 }), 7 * 24 * 3600),
          maxBytes: def(num({ int: true, min: 1024 }), 1024 * 1024 * 1024),
          maxMsgs: def(num({ int: true, min: 1 }), 10_000_000),
        }),
      ),
    },
    { forbidden: SECRETS },
);
export const natsSchema = refine(natsFields, pairedEnv);

export const settingsSchema = obj(
  {
    source: req(sourceSchema),
    format: def(formatSchema, { type: 'auto' }),
    detectionConfig: req(detectionConfigSourceSchema),
    install: defaults(obj({ commands: def(list(argv()), []) })),
    detector: def(detectorSchema, { type: 'builtin' }),
    /** Absent: emails are previewed as .eml files in the run directory. */
    smtp: opt(smtpSchema),
    upload: opt(uploadSchema),
    steps: defaults(obj(sameFields(RETRYABLE_STEPS, (s) => def(retrySchema(s), () => defaultRetryPolicy(s))))),
    output: defaults(obj({ dir: def(str(), 'runs') })),
    // Where `log-anomaly mute/accept` keep their entries; default next to the baseline model.
    mutes: defaults(obj({ file: opt(str()) })),
    nats: opt(natsSchema),
    /** Absent or empty: `serve` has nothing to do. */
    schedules: def(schedulesSchema(), []),
  },
  { forbidden: SECRETS },
);

/** The settings as written (relative paths, optional upload); settings.ts resolves them into PipelineSettings. */
export type WrittenSettings = Infer<typeof settingsSchema>;
