/**
 * The detection config (what download_config_yaml fetches): validated with positions, defaults
 * taken from the detector's own so `detect` without a config and the pipeline agree.
 */
import { ErrorCode } from '../errors.js';
import { DEFAULT_DETECTION_CONFIG as D } from '../detector/defaults.js';
import { AnomalyKind, SEVERITY_ORDER, WebhookFormat, type ConfigMute, type DetectionConfig, type KindRule, type RouteRule, type WebhookConfig } from './detection-types.js';
import { bool, def, fail, list, num, obj, oneOf, opt, parseYaml, positionOf, refine, regex, req, scalarOrMap, str, strOrNum, type Schema } from './yaml-schema.js';
import { isMap, isSeq, type Node } from 'yaml';

const severity = () => oneOf(SEVERITY_ORDER);
// Deliberately simple: catches typos like "oncall@" or "ops example.com", not every RFC 5322 corner.
const email = () => str({ pattern: /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[A-Za-z0-9-]{2,}$/, what: 'an email address' });

const kindRule: Schema<KindRule> = obj({
  enabled: def(bool(), true),
  minScore: def(num({ min: 0 }), 0),
  severity: opt(severity()),
});

const kinds = obj(
  Object.fromEntries(Object.values(AnomalyKind).map((k) => [k, opt(kindRule)])) as Record<AnomalyKind, ReturnType<typeof opt<KindRule>>>,
);

const mute: Schema<ConfigMute> = refine(
  obj({
    action: def(oneOf(['mute', 'accept'] as const), 'mute' as const),
    templateId: opt(str({ pattern: /^[0-9a-f]{8}$/, what: 'a template id (8 hex characters)' })),
    template: opt(str()),
    kind: opt(oneOf(Object.values(AnomalyKind))),
    reason: req(str()),
    until: opt(str({ pattern: /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/, what: 'an ISO date or time (2026-12-31 or 2026-12-31T18:00:00Z)' })),
  }),
  (m) => (m.templateId === undefined && m.template === undefined ? { key: 'template', problem: 'a mute needs template or templateId' } : undefined),
);

interface RecipientEntry {
  readonly to: string;
  readonly rule?: RouteRule;
}

/** `- oncall@example.com`, or `- { to: payments@example.com, streams: [payments*], minSeverity: high }`. */
const recipient: Schema<RecipientEntry> = scalarOrMap<RecipientEntry>(
  (node, at) => ({ to: email()(node, at) }),
  (node, at) => {
    const r = obj({
      to: req(email()),
      streams: opt(list(str(), { min: 1, single: true })),
      kinds: opt(list(oneOf(Object.values(AnomalyKind)), { min: 1, single: true })),
      minSeverity: opt(severity()),
    })(node, at);
    const rule: RouteRule = {
      ...(r.streams ? { streams: r.streams } : {}),
      ...(r.kinds ? { kinds: r.kinds } : {}),
      ...(r.minSeverity ? { minSeverity: r.minSeverity } : {}),
    };
    return { to: r.to, rule };
  },
);

const envName = () => str({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, what: 'an environment variable name (letters, digits and _)' });

/** The default wait for a webhook receiver's answer (Slack answers in well under a second). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

const webhookFields = obj(
  {
    name: req(str({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, what: 'a name of letters, digits, ".", "_" and "-" (at most 64)' })),
    format: req(oneOf(Object.values(WebhookFormat))),
    urlEnv: req(envName()),
    secretEnv: opt(envName()),
    timeoutMs: def(num({ int: true, min: 100, max: 120_000 }), DEFAULT_WEBHOOK_TIMEOUT_MS),
    streams: opt(list(str(), { min: 1, single: true })),
    kinds: opt(list(oneOf(Object.values(AnomalyKind)), { min: 1, single: true })),
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

/** `- { name: payments-slack, format: slack, urlEnv: SLACK_PAYMENTS_URL, streams: [payments*] }`. */
const webhook: Schema<WebhookConfig> = (node, at) => {
  const w = refine(webhookFields, (v) => {
    if (v.format === 'json' && v.secretEnv === undefined) return { key: 'secretEnv', problem: 'a json webhook is signed: name the environment variable that holds its HMAC secret (secretEnv)' };
    if (v.format === 'slack' && v.secretEnv !== undefined) return { key: 'secretEnv', problem: 'Slack incoming webhooks are not signed (the URL is the secret): remove secretEnv' };
    return undefined;
  })(node, at);
  return {
    name: w.name,
    format: w.format,
    urlEnv: w.urlEnv,
    ...(w.secretEnv ? { secretEnv: w.secretEnv } : {}),
    timeoutMs: w.timeoutMs,
    ...(w.streams ? { streams: w.streams } : {}),
    ...(w.kinds ? { kinds: w.kinds } : {}),
    ...(w.minSeverity ? { minSeverity: w.minSeverity } : {}),
    at: { urlEnv: positionOf(node, 'urlEnv', at), ...(w.secretEnv ? { secretEnv: positionOf(node, 'secretEnv', at) } : {}) },
  };
};

/** Names are the ledger's keys: two webhooks with one name would share one delivery. */
const webhooks: Schema<WebhookConfig[]> = (node, at) => {
  const out = list(webhook)(node, at);
  const seen = new Set<string>();
  out.forEach((w, i) => {
    const key = w.name.toLowerCase();
    if (seen.has(key)) {
      const item = isSeq(node) ? (node.items[i] as Node) : null;
      const nameNode = isMap(item) ? ((item.get('name', true) as Node | undefined) ?? item) : node;
      fail({ ...at, path: `${at.path}[${i}].name` }, `duplicate webhook name ${JSON.stringify(w.name)} (names are compared case-insensitively)`, nameNode);
    }
    seen.add(key);
  });
  return out;
};

const schema = obj({
  // A YAML number (`version: 3`) is taken as the string "3": teams write versions both ways.
  version: req(strOrNum()),
  thresholds: def(
    obj({
      bucketSeconds: def(num({ int: true, min: 10, max: 86_400 }), D.thresholds.bucketSeconds),
      spikeFactor: def(num({ gt: 1 }), D.thresholds.spikeFactor),
      dropFactor: def(num({ gt: 1 }), D.thresholds.dropFactor),
      errorRateFactor: def(num({ gt: 1 }), D.thresholds.errorRateFactor),
      minCount: def(num({ int: true, min: 1 }), D.thresholds.minCount),
      rareMaxCount: def(num({ int: true, min: 1 }), D.thresholds.rareMaxCount),
    }),
    D.thresholds,
  ),
  rules: def(
    obj({
      minSeverity: def(severity(), D.rules.minSeverity),
      kinds: def(kinds, {} as never),
    }),
    D.rules as never,
  ),
  ignore: def(list(regex()), []),
  mutes: def(list(mute), []),
  notify: def(
    obj({
      recipients: def(list(recipient), []),
      webhooks: opt(webhooks),
      minSeverity: def(severity(), D.notify.minSeverity),
      subjectPrefix: def(str({ nonEmpty: false }), D.notify.subjectPrefix),
    }),
    D.notify as never,
  ),
});

export function parseDetectionConfig(text: string, source: string): DetectionConfig {
  const raw = parseYaml(text, source, ErrorCode.CONFIG_INVALID, schema);
  // Drop kinds the file did not mention so `kinds` only holds real overrides.
  const kindsOut = Object.fromEntries(Object.entries(raw.rules.kinds).filter(([, v]) => v !== undefined));
  const entries = raw.notify.recipients as readonly RecipientEntry[];
  const routes = Object.fromEntries(entries.flatMap((e) => (e.rule ? [[e.to.toLowerCase(), e.rule] as const] : [])));
  const { webhooks: hooks, ...rest } = raw.notify;
  const notify = {
    ...rest,
    recipients: entries.map((e) => e.to),
    ...(Object.keys(routes).length > 0 ? { routes } : {}),
    ...(hooks && hooks.length > 0 ? { webhooks: hooks } : {}),
  };
  return { ...raw, notify, rules: { ...raw.rules, kinds: kindsOut } } as DetectionConfig;
}
