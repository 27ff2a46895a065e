/**
 * Pipeline settings: read, validated and resolved before any machine starts. Relative paths are
 * resolved from the settings file's directory, so a settings file means the same thing from any cwd.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RETRYABLE_STEPS, type RetryableStep } from '../dag.js';
import { ConfigError, ErrorCode } from '../errors.js';
import type { LogFormat, LogSource, PipelineSettings, RetryPolicy, UploadSettings } from './settings-types.js';
import { bool, def, list, num, obj, oneOf, opt, parseYaml, regex, req, str, tagged, type Schema } from './yaml-schema.js';

const SECRET_HINT = (k: string) => `secrets never go in the settings file: put the value in an environment variable and name it with ${k}`;
const SECRETS = {
  password: SECRET_HINT('passEnv'),
  pass: SECRET_HINT('passEnv'),
  token: SECRET_HINT('tokenEnv'),
  secret: SECRET_HINT('an *Env key'),
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
const duration = () => str({ pattern: /^\d+(ms|s|m|h|d)$/, what: 'a duration such as 30m, 1h or 2d' });
const isoTime = (): Schema<string> => (node, at) => {
  const v = str()(node, at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) return str({ pattern: /^$/, what: 'an ISO-8601 time such as 2026-11-26T09:00:00Z' })(node, at);
  return v;
};
const argv = () => list(str(), { min: 1 });

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
}) as Schema<LogFormat>;

const sourceSchema: Schema<LogSource> = tagged({
  file: obj({ paths: req(list(str(), { min: 1, single: true })) }, { ignore: ['type'] }),
  cloudwatch: obj(
    {
      region: req(str()),
      profile: opt(str()),
      roleArn: opt(str({ pattern: /^arn:aws[\w-]*:iam::\d{12}:role\//, what: 'an IAM role ARN' })),
      endpoint: opt(str({ pattern: /^https?:\/\//, what: 'an http(s) URL' })),
      logGroups: req(list(str(), { min: 1, single: true })),
      streamNames: opt(list(str(), { min: 1 })),
      streamPrefix: opt(str()),
      filterPattern: opt(str({ nonEmpty: false })),
      since: opt(duration()),
      from: opt(isoTime()),
      to: opt(isoTime()),
      concurrency: opt(num({ int: true, min: 1, max: 32 })),
      maxAttempts: opt(num({ int: true, min: 1, max: 20 })),
      retryMode: opt(oneOf(['standard', 'adaptive'] as const)),
    },
    { ignore: ['type'], forbidden: SECRETS },
  ),
}) as Schema<LogSource>;

const uploadSchema: Schema<UploadSettings> = tagged({
  local: obj({ dir: req(str()) }, { ignore: ['type'] }),
  http: obj(
    { baseUrl: req(str({ pattern: /^https?:\/\//, what: 'an http(s) URL' })), tokenEnv: opt(envName()), timeoutMs: opt(num({ int: true, min: 1 })) },
    { ignore: ['type'], forbidden: SECRETS },
  ),
  s3: obj(
    {
      bucket: req(str()),
      prefix: opt(str({ nonEmpty: false })),
      region: req(str()),
      endpoint: opt(str({ pattern: /^https?:\/\//, what: 'an http(s) URL' })),
      forcePathStyle: opt(bool()),
      profile: opt(str()),
      sse: opt(oneOf(['AES256', 'aws:kms'] as const)),
      kmsKeyId: opt(str()),
      presignSeconds: opt(num({ int: true, min: 1, max: 604_800 })),
      partSizeMb: opt(num({ min: 5, max: 5120 })),
    },
    { ignore: ['type'], forbidden: SECRETS },
  ),
}) as Schema<UploadSettings>;

const retrySchema = (step: RetryableStep): Schema<RetryPolicy> => {
  const d = defaultRetryPolicy(step);
  return obj({
    attempts: def(num({ int: true, min: 1, max: 20 }), d.attempts),
    baseDelayMs: def(num({ int: true, min: 0 }), d.baseDelayMs),
    maxDelayMs: def(num({ int: true, min: 0 }), d.maxDelayMs),
    timeoutMs: def(num({ int: true, min: 1 }), d.timeoutMs),
  });
};

const stepsSchema = obj(
  Object.fromEntries(RETRYABLE_STEPS.map((s) => [s, def(retrySchema(s), () => defaultRetryPolicy(s))])) as Record<
    RetryableStep,
    ReturnType<typeof def<RetryPolicy>>
  >,
);

const settingsSchema = obj(
  {
    source: req(sourceSchema),
    format: def(formatSchema, { type: 'raw' } as LogFormat),
    detectionConfig: req(
      obj(
        {
          location: req(str()),
          tokenEnv: opt(envName()),
          timeoutMs: opt(num({ int: true, min: 1 })),
          onUnreachable: opt(oneOf(['use-cache', 'fail'] as const)),
          cacheDir: opt(str()),
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
    ),
    upload: opt(uploadSchema),
    steps: def(stepsSchema, () => Object.fromEntries(RETRYABLE_STEPS.map((s) => [s, defaultRetryPolicy(s)])) as never),
    output: def(obj({ dir: def(str(), 'runs') }), { dir: 'runs' }),
    nats: opt(
      obj(
        {
          servers: def(list(str({ pattern: /^(nats|tls|wss?):\/\/|^[\w.-]+:\d+$/, what: 'a NATS URL such as nats://127.0.0.1:4222' }), { single: true }), []),
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
    ),
  },
  { forbidden: SECRETS },
);

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Validate settings text; `file` names it in errors and anchors relative paths. */
export function parseSettings(text: string, file: string, displayName = file): PipelineSettings {
  const raw = parseYaml(text, displayName, ErrorCode.SETTINGS_INVALID, settingsSchema);
  const base = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const outputDir = at(raw.output.dir);
  const src = raw.source;
  const source: LogSource = src.type === 'file' ? { ...src, paths: src.paths.map(at) } : src;
  const dc = raw.detectionConfig;
  const detector = raw.detector as PipelineSettings['detector'];
  const upload: UploadSettings = raw.upload
    ? raw.upload.type === 'local'
      ? { ...raw.upload, dir: at(raw.upload.dir) }
      : raw.upload
    : { type: 'local', dir: join(outputDir, 'uploads') };
  const nats = raw.nats
    ? {
        ...raw.nats,
        credsFile: raw.nats.credsFile ? at(raw.nats.credsFile) : undefined,
        tls: raw.nats.tls
          ? {
              caFile: raw.nats.tls.caFile && at(raw.nats.tls.caFile),
              certFile: raw.nats.tls.certFile && at(raw.nats.tls.certFile),
              keyFile: raw.nats.tls.keyFile && at(raw.nats.tls.keyFile),
            }
          : undefined,
      }
    : undefined;
  return {
    file: resolve(file),
    source,
    format: raw.format,
    detectionConfig: {
      ...dc,
      location: isUrl(dc.location) ? dc.location : at(dc.location),
      cacheDir: dc.cacheDir ? at(dc.cacheDir) : undefined,
    },
    install: { commands: raw.install.commands },
    detector:
      detector.type === 'builtin'
        ? { ...detector, modelPath: detector.modelPath && at(detector.modelPath), baseline: detector.baseline?.map(at) }
        : detector,
    smtp: raw.smtp as PipelineSettings['smtp'],
    upload,
    steps: raw.steps as PipelineSettings['steps'],
    output: { dir: outputDir },
    nats: nats as PipelineSettings['nats'],
  };
}

/** The bundled demo settings, found from this module's own location (src/ or dist/). */
export function defaultSettingsFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'examples', 'demo.yaml');
}

export async function loadSettings(file: string | undefined, opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<PipelineSettings> {
  const path = file ? resolve(opts.cwd, file) : defaultSettingsFile();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: file ?? path }, `cannot read settings: ${why}`, { cause: err });
  }
  return parseSettings(text, path, file ?? path);
}
