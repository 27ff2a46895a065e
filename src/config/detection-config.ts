/**
 * The detection config (what download_config_yaml fetches): validated with positions, defaults
 * taken from the detector's own so `detect` without a config and the pipeline agree.
 */
import { ErrorCode } from '../errors.js';
import { DEFAULT_DETECTION_CONFIG as D } from '../detector/defaults.js';
import { AnomalyKind, SEVERITY_ORDER, type ConfigMute, type DetectionConfig, type KindRule, type RouteRule } from './detection-types.js';
import { bool, def, list, num, obj, oneOf, opt, parseYaml, refine, regex, req, scalarOrMap, str, strOrNum, type Schema } from './yaml-schema.js';

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
  const notify = { ...raw.notify, recipients: entries.map((e) => e.to), ...(Object.keys(routes).length > 0 ? { routes } : {}) };
  return { ...raw, notify, rules: { ...raw.rules, kinds: kindsOut } } as DetectionConfig;
}
