/**
 * The detection config that `download_config_yaml` fetches from the SkyU config service: what a
 * team tunes centrally (rules, thresholds, who gets told) without touching the pipeline machines.
 * Validated with positions; each key, its default and its comment are written once, here, and
 * the types are inferred from this schema (detection-types.ts names them). The detector's own
 * defaults (detector/defaults.ts) are this schema's, so `detect` without a config and the
 * pipeline agree.
 */
import { ErrorCode } from '../errors.js';
import { isMap, isSeq } from './yaml-lib.js';
import { bool, def, defaults, defaultsOf, fail, list, nodeOf, num, obj, oneOf, opt, parseYaml, positionOf, refine, regex, req, sameFields, scalarOrMap, str, strOrNum, type Infer, type Schema } from './yaml-schema.js';

export const Severity = { info: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];
export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export const AnomalyKind = {
  newTemplate: 'new_template',
  frequencySpike: 'frequency_spike',
  frequencyDrop: 'frequency_drop',
  silence: 'silence',
  errorRateSurge: 'error_rate_surge',
  rareTemplate: 'rare_template',
  sessionAnomaly: 'session_anomaly',
  streamSilence: 'stream_silence',
} as const;
export type AnomalyKind = (typeof AnomalyKind)[keyof typeof AnomalyKind];
const ANOMALY_KINDS = Object.values(AnomalyKind);

/** How a webhook's body is shaped: a signed, versioned JSON document, or a Slack incoming-webhook message. */
export const WebhookFormat = { json: 'json', slack: 'slack' } as const;
export type WebhookFormat = (typeof WebhookFormat)[keyof typeof WebhookFormat];

/** Where a key's value is written in the config, for errors found after parsing (an unset variable). */
export interface ConfigPosition {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly field: string;
}

const severity = () => oneOf(SEVERITY_ORDER);
// Deliberately simple: catches typos like "oncall@" or "ops example.com", not every RFC 5322 corner.
const email = () => str({ pattern: /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[A-Za-z0-9-]{2,}$/, what: 'an email address' });

export const kindRuleSchema = obj({
  enabled: def(bool(), true),
  /** Findings of this kind below this score are dropped from the report. */
  minScore: def(num({ min: 0 }), 0),
  /** Overrides the detector's severity for this kind. */
  severity: opt(severity()),
});

const muteFields = obj({
  action: def(oneOf(['mute', 'accept']), 'mute'),
  templateId: opt(str({ pattern: /^[0-9a-f]{8}$/, what: 'a template id (8 hex characters)' })),
  template: opt(str()),
  kind: opt(oneOf(ANOMALY_KINDS)),
  reason: req(str()),
  /** ISO time; a mute without it lasts until removed from the config. */
  until: opt(str({ pattern: /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/, what: 'an ISO date or time (2026-12-31 or 2026-12-31T18:00:00Z)' })),
});
export const muteSchema = refine(muteFields, (m) =>
  m.templateId === undefined && m.template === undefined ? { key: 'template', problem: 'a mute needs template or templateId' } : undefined,
);

/** Which incidents a recipient is told about; every given condition must hold. */
const routedRecipient = obj({
  to: req(email()),
  /** Stream names (or components, where the format's streamField is the component); `*` matches any run of characters. */
  streams: opt(list(str(), { min: 1, single: true })),
  /** Only incidents with a finding of one of these kinds. */
  kinds: opt(list(oneOf(ANOMALY_KINDS), { min: 1, single: true })),
  /** Overrides notify.minSeverity for this recipient. */
  minSeverity: opt(severity()),
});
type RoutedRecipient = Infer<typeof routedRecipient>;
export type RouteRule = Omit<RoutedRecipient, 'to'>;

/** `- oncall@example.com`, or `- { to: payments@example.com, streams: [payments*], minSeverity: high }`. */
const recipient = scalarOrMap<{ readonly to: string; readonly rule?: RouteRule }>(
  (node, at) => ({ to: email()(node, at) }),
  (node, at) => {
    const { to, ...rule } = routedRecipient(node, at);
    return { to, rule };
  },
);

const envName = () => str({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: 'an environment variable name (letters, digits and _)' });

/** The default wait for a webhook receiver's answer (Slack answers in well under a second). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

const webhookFields = obj(
  {
    /** Unique among the webhooks: the ledger key and what logs and run.json call it. */
    name: req(str({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, what: 'a name of letters, digits, ".", "_" and "-" (at most 64)' })),
    format: req(oneOf(Object.values(WebhookFormat))),
    urlEnv: req(envName()),
    /** Required for `json` (the HMAC key); Slack does not verify signatures. */
    secretEnv: opt(envName()),
    /** How long to wait for the receiver's answer once the request is out. */
    timeoutMs: def(num({ int: true, min: 100, max: 120_000 }), DEFAULT_WEBHOOK_TIMEOUT_MS),
    streams: opt(list(str(), { min: 1, single: true })),
    kinds: opt(list(oneOf(ANOMALY_KINDS), { min: 1, single: true })),
    minSeverity: opt(severity()),
  },
  {
    // A URL or a secret written here would live in the config service and in every run folder.
    forbidden: {
      url: 'a webhook URL is a secret (a Slack URL carries its token): put it in an environment variable and name that variable with urlEnv',
      secret: 'put the signing secret in an environment variable and name that variable with secretEnv',
    },
  },
);

/**
 * A notification channel besides email. The URL and the signing secret are never in the config:
 * it names the environment variables that hold them (a Slack webhook URL is itself a secret).
 */
export type WebhookConfig = Infer<typeof webhookFields> & {
  /** Positions of urlEnv / secretEnv, so an unset variable is reported at its line. */
  readonly at?: { readonly urlEnv?: ConfigPosition; readonly secretEnv?: ConfigPosition };
};

/** `- { name: payments-slack, format: slack, urlEnv: SLACK_PAYMENTS_URL, streams: [payments*] }`. */
const webhook: Schema<WebhookConfig> = (node, at) => {
  const w = refine(webhookFields, (v) => {
    if (v.format === 'json' && v.secretEnv === undefined) return { key: 'secretEnv', problem: 'a json webhook is signed: name the environment variable that holds its HMAC secret (secretEnv)' };
    if (v.format === 'slack' && v.secretEnv !== undefined) return { key: 'secretEnv', problem: 'Slack incoming webhooks are not signed (the URL is the secret): remove secretEnv' };
    return undefined;
  })(node, at);
  return { ...w, at: { urlEnv: positionOf(node, 'urlEnv', at), ...(w.secretEnv ? { secretEnv: positionOf(node, 'secretEnv', at) } : {}) } };
};

/** Names are the ledger's keys: two webhooks with one name would share one delivery. */
const webhooks: Schema<readonly WebhookConfig[]> = (node, at) => {
  const out = list(webhook)(node, at);
  const seen = new Set<string>();
  out.forEach((w, i) => {
    const key = w.name.toLowerCase();
    if (seen.has(key)) {
      const item = isSeq(node) ? nodeOf(node.items[i]) : null;
      const nameNode = isMap(item) ? (nodeOf(item.get('name', true)) ?? item) : node;
      fail({ ...at, path: `${at.path}[${i}].name` }, `duplicate webhook name ${JSON.stringify(w.name)} (names are compared case-insensitively)`, nameNode);
    }
    seen.add(key);
  });
  return out;
};

// Every key but the version has a default: defaultDetectionConfig() is these alone.
const fields = {
  thresholds: defaults(
    obj({
      /** Time bucket for frequency statistics. */
      bucketSeconds: def(num({ int: true, min: 10, max: 86_400 }), 300),
      /** A bucket count this many times the expected rate (and significant) is a spike. */
      spikeFactor: def(num({ gt: 1 }), 3),
      /** A bucket count below expected / dropFactor (and significant) is a drop. */
      dropFactor: def(num({ gt: 1 }), 3),
      /** Error+warn share this many times the baseline share is a surge. */
      errorRateFactor: def(num({ gt: 1 }), 3),
      /** Ignore templates with fewer occurrences than this for frequency kinds. */
      minCount: def(num({ int: true, min: 1 }), 5),
      /** With no baseline: templates seen at most this many times are rare. */
      rareMaxCount: def(num({ int: true, min: 1 }), 3),
    }),
  ),
  rules: defaults(
    obj({
      /** Findings below this severity are not reported. */
      minSeverity: def(severity(), 'low'),
      kinds: defaults(obj(sameFields(ANOMALY_KINDS, () => opt(kindRuleSchema)))),
    }),
  ),
  /** Regexes: findings whose template or sample matches any are dropped. */
  ignore: def(list(regex()), []),
  /** A central team's mutes and accepts (see src/detector/mutes.ts); the mutes file adds its own. */
  mutes: def(list(muteSchema), []),
  notify: defaults(
    obj({
      recipients: def(list(recipient), []),
      /** Webhooks (generic signed JSON or Slack), each with the same rule fields as a recipient. */
      webhooks: opt(webhooks),
      /** Notify only when some reported finding has at least this severity. */
      minSeverity: def(severity(), 'high'),
      subjectPrefix: def(str({ nonEmpty: false }), '[log-anomaly]'),
    }),
  ),
};
const schema = obj({
  // A YAML number (`version: 3`) is taken as the string "3": teams write versions both ways.
  version: req(strOrNum()),
  ...fields,
});
type WrittenDetectionConfig = Infer<typeof schema>;

/** The config as the pipeline uses it: recipients as addresses, their rules by address. */
export type DetectionConfig = Omit<WrittenDetectionConfig, 'notify'> & {
  readonly notify: Omit<WrittenDetectionConfig['notify'], 'recipients'> & {
    /** Every address that may be told (with or without a rule). */
    readonly recipients: readonly string[];
    /** Rules by lower-cased address; a recipient without one gets every incident at notify.minSeverity. */
    readonly routes?: Readonly<Record<string, RouteRule>>;
  };
};

export function parseDetectionConfig(text: string, source: string): DetectionConfig {
  return toDetectionConfig(parseYaml(text, source, ErrorCode.CONFIG_INVALID, schema));
}

/**
 * The config of a document that names only `version`: the schema's defaults, built without parsing
 * YAML, so `detect` without --config never loads the yaml package.
 */
export function defaultDetectionConfig(version: string, source: string): DetectionConfig {
  return toDetectionConfig({ version, ...defaultsOf(obj(fields), source, ErrorCode.CONFIG_INVALID) });
}

function toDetectionConfig(raw: WrittenDetectionConfig): DetectionConfig {
  const entries = raw.notify.recipients;
  const routes = Object.fromEntries(entries.flatMap((e) => (e.rule ? [[e.to.toLowerCase(), e.rule] as const] : [])));
  const { webhooks: hooks, ...rest } = raw.notify;
  const notify = {
    ...rest,
    recipients: entries.map((e) => e.to),
    ...(Object.keys(routes).length > 0 ? { routes } : {}),
    ...(hooks && hooks.length > 0 ? { webhooks: hooks } : {}),
  };
  return { ...raw, notify };
}
