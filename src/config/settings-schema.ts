/**
 * The declarative schema of the pipeline settings file: every key, its type, bounds and default.
 * docs/configuration.md is the prose version of this file; keep them in step.
 */
import { RETRYABLE_STEPS, type RetryableStep } from '../dag.js';
import type { LogFormat, LogSource, RetryPolicy, UploadSettings } from './settings-types.js';
import { hasUserInfo, redactUrl } from '../util/redact-url.js';
import { schedulesSchema } from './schedules-schema.js';
import { bool, def, fail, list, num, obj, oneOf, opt, refine, regex, req, str, tagged, type Schema } from './yaml-schema.js';
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

export function defaultRetryPolicy(step: RetryableStep): RetryPolicy {
  return { attempts: 3, baseDelayMs: 500, maxDelayMs: 10_000, timeoutMs: DEFAULT_TIMEOUTS[step] };
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
function checkWindow(s: { since?: string; from?: string; to?: string; streamNames?: string[]; streamPrefix?: string }): Problem {
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

const formatSchema: Schema<LogFormat> = tagged({
  loghub: obj(
    {
      pattern: req(str({ pattern: /<Content>/, what: 'a format string with a <Content> field, e.g. "<Date> <Time> <Level>: <Content>"' })),
      timestampFields: opt(list(str(), { min: 1 })),
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
  cloudwatch: obj({ messageField: opt(str()), levelField: opt(str()) }, { ignore: ['type'] }),
  raw: obj({}, { ignore: ['type'] }),
  preset: obj({ name: req(oneOf(PRESET_NAMES as readonly string[])) }, { ignore: ['type'] }),
  logfmt: obj({}, { ignore: ['type'] }),
  auto: obj({}, { ignore: ['type'] }),
}) as Schema<LogFormat>;

const sourceSchema: Schema<LogSource> = tagged({
  file: obj(
    { paths: req(list(str(), { min: 1, single: true })), include: opt(list(str(), { min: 1, single: true })), maxLineBytes: opt(num({ int: true, min: 256, max: 16 * 1024 * 1024 })), allowEmpty: opt(bool()) },
    { ignore: ['type'] },
  ),
  cloudwatch: refine(
    obj(
      {
        region: req(str({ pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, what: 'an AWS region such as eu-west-1' })),
        profile: opt(str()),
        roleArn: opt(str({ pattern: /^arn:aws[\w-]*:iam::\d{12}:role\//, what: 'an IAM role ARN' })),
        endpoint: opt(httpUrl()),
        logGroups: req(list(logGroup(), { min: 1, single: true })),
        streamNames: opt(list(str(), { min: 1 })),
        streamPrefix: opt(str()),
        filterPattern: opt(str({ nonEmpty: false })),
        since: opt(duration()),
        from: opt(isoTime()),
        to: opt(isoTime()),
        concurrency: opt(num({ int: true, min: 1, max: 32 })),
        maxAttempts: opt(num({ int: true, min: 1, max: 20 })),
        retryMode: opt(oneOf(['standard', 'adaptive'] as const)),
        retryBaseDelayMs: opt(num({ int: true, min: 1, max: 60_000 })),
        allowEmpty: opt(bool()),
      },
      { ignore: ['type'], forbidden: SECRETS },
    ),
    checkWindow,
  ),
}) as Schema<LogSource>;

const uploadSchema: Schema<UploadSettings> = tagged({
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
        sse: opt(oneOf(['AES256', 'aws:kms'] as const)),
        kmsKeyId: opt(str()),
        presignSeconds: opt(num({ int: true, min: 1, max: 604_800 })),
        partSizeMb: opt(num({ min: 5, max: 5120 })),
      },
      { ignore: ['type'], forbidden: SECRETS },
    ),
    (s) => (s.kmsKeyId && s.sse !== 'aws:kms' ? { key: 'kmsKeyId', problem: 'kmsKeyId needs sse: aws:kms' } : undefined),
  ),
}) as Schema<UploadSettings>;

const retrySchema = (step: RetryableStep): Schema<RetryPolicy> => {
  const d = defaultRetryPolicy(step);
  return refine(
    obj({
      attempts: def(num({ int: true, min: 1, max: 20 }), d.attempts),
      baseDelayMs: def(num({ int: true, min: 0 }), d.baseDelayMs),
      maxDelayMs: def(num({ int: true, min: 0 }), d.maxDelayMs),
      timeoutMs: def(num({ int: true, min: 1 }), d.timeoutMs),
    }),
    (p) => (p.maxDelayMs < p.baseDelayMs ? { key: 'maxDelayMs', problem: `must be >= baseDelayMs (${p.baseDelayMs}), got ${p.maxDelayMs}` } : undefined),
  );
};

const stepsSchema = obj(
  Object.fromEntries(RETRYABLE_STEPS.map((s) => [s, def(retrySchema(s), () => defaultRetryPolicy(s))])) as Record<
    RetryableStep,
    ReturnType<typeof def<RetryPolicy>>
  >,
);

export const settingsSchema = obj(
  {
    source: req(sourceSchema),
    format: def(formatSchema, { type: 'auto' } as LogFormat),
    detectionConfig: req(
      obj(
        {
          location: req(location()),
          tokenEnv: opt(envName()),
          timeoutMs: opt(num({ int: true, min: 1 })),
          onUnreachable: opt(oneOf(['use-cache', 'fail'] as const)),
          cacheDir: opt(str()),
          allowHosts: opt(list(str())),
        },
        { forbidden: SECRETS },
      ),
    ),
    install: def(obj({ commands: def(list(argv()), []) }), { commands: [] }),
    detector: def(
      tagged({
        builtin: obj(
          {
            modelPath: opt(str()),
            baseline: opt(list(str(), { min: 1, single: true })),
            maxTemplates: opt(num({ int: true, min: 10 })),
            masks: opt(list(regex())),
            sessionKey: opt(regex()),
          },
          { ignore: ['type'] },
        ),
        command: obj({ command: req(argv()), timeoutMs: opt(num({ int: true, min: 1 })) }, { ignore: ['type'] }),
      }),
      { type: 'builtin' } as never,
    ),
    smtp: opt(
      refine(
        obj(
          {
            host: req(str()),
            port: def(num({ int: true, min: 1, max: 65535 }), 587),
            secure: def(bool(), false),
            requireTls: opt(bool()),
            userEnv: opt(envName()),
            passEnv: opt(envName()),
            from: req(str({ pattern: /@/, what: 'a sender address' })),
            pool: def(bool(), true),
            maxConnections: opt(num({ int: true, min: 1, max: 50 })),
            rateLimit: def(num({ int: true, min: 1 }), 10),
            rateDeltaMs: def(num({ int: true, min: 1 }), 1000),
            tlsInsecure: opt(bool()),
          },
          { forbidden: { ...SECRETS, user: SECRET_HINT('userEnv') } },
        ),
        pairedEnv,
      ),
    ),
    upload: opt(uploadSchema),
    steps: def(stepsSchema, () => Object.fromEntries(RETRYABLE_STEPS.map((s) => [s, defaultRetryPolicy(s)])) as never),
    output: def(obj({ dir: def(str(), 'runs') }), { dir: 'runs' }),
    // Where `log-anomaly mute/accept` keep their entries; default next to the baseline model.
    mutes: def(obj({ file: opt(str()) }), { file: undefined }),
    nats: opt(
      refine(
        obj(
          {
            servers: def(list(noUserInfo(str({ pattern: /^(nats|tls|wss?):\/\/|^[\w.-]+:\d+$/, what: 'a NATS URL such as nats://127.0.0.1:4222' })), { single: true }), []),
            tokenEnv: opt(envName()),
            userEnv: opt(envName()),
            passEnv: opt(envName()),
            credsFile: opt(str()),
            tls: opt(obj({ caFile: opt(str()), certFile: opt(str()), keyFile: opt(str()) })),
            prefix: def(str({ pattern: /^[A-Za-z0-9_-]+$/, what: 'a name of letters, digits, _ and -' }), 'lap'),
            stream: def(
              obj({
                maxAgeSeconds: def(num({ int: true, min: 1 }), 7 * 24 * 3600),
                maxBytes: def(num({ int: true, min: 1024 }), 1024 * 1024 * 1024),
                maxMsgs: def(num({ int: true, min: 1 }), 10_000_000),
              }),
              { maxAgeSeconds: 7 * 24 * 3600, maxBytes: 1024 * 1024 * 1024, maxMsgs: 10_000_000 },
            ),
          },
          { forbidden: SECRETS },
        ),
        pairedEnv,
      ),
    ),
    schedules: def(schedulesSchema(), []),
  },
  { forbidden: SECRETS },
);
