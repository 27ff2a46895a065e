/**
 * The detection config that `download_config_yaml` fetches from the SkyU config service: what a
 * team tunes centrally (rules, thresholds, who gets told) without touching the pipeline machines.
 */
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

export interface KindRule {
  readonly enabled: boolean;
  /** Findings of this kind below this score are dropped from the report. */
  readonly minScore: number;
  /** Overrides the detector's severity for this kind. */
  readonly severity?: Severity;
}

export interface ConfigMute {
  readonly action: 'mute' | 'accept';
  readonly templateId?: string;
  readonly template?: string;
  readonly kind?: AnomalyKind;
  readonly reason: string;
  /** ISO time; a mute without it lasts until removed from the config. */
  readonly until?: string;
}

/** Which incidents a recipient is told about; every given condition must hold. */
export interface RouteRule {
  /** Stream names (or components, where the format's streamField is the component); `*` matches any run of characters. */
  readonly streams?: readonly string[];
  /** Only incidents with a finding of one of these kinds. */
  readonly kinds?: readonly AnomalyKind[];
  /** Overrides notify.minSeverity for this recipient. */
  readonly minSeverity?: Severity;
}

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

/**
 * A notification channel besides email. The URL and the signing secret are never in the config:
 * it names the environment variables that hold them (a Slack webhook URL is itself a secret).
 */
export interface WebhookConfig extends RouteRule {
  /** Unique among the webhooks: the ledger key and what logs and run.json call it. */
  readonly name: string;
  readonly format: WebhookFormat;
  readonly urlEnv: string;
  /** Required for `json` (the HMAC key); Slack does not verify signatures. */
  readonly secretEnv?: string;
  /** How long to wait for the receiver's answer once the request is out. */
  readonly timeoutMs: number;
  /** Positions of urlEnv / secretEnv, so an unset variable is reported at its line. */
  readonly at?: { readonly urlEnv?: ConfigPosition; readonly secretEnv?: ConfigPosition };
}

export interface DetectionConfig {
  readonly version: string;
  readonly thresholds: {
    /** Time bucket for frequency statistics. */
    readonly bucketSeconds: number;
    /** A bucket count this many times the expected rate (and significant) is a spike. */
    readonly spikeFactor: number;
    /** A bucket count below expected / dropFactor (and significant) is a drop. */
    readonly dropFactor: number;
    /** Error+warn share this many times the baseline share is a surge. */
    readonly errorRateFactor: number;
    /** Ignore templates with fewer occurrences than this for frequency kinds. */
    readonly minCount: number;
    /** With no baseline: templates seen at most this many times are rare. */
    readonly rareMaxCount: number;
  };
  readonly rules: {
    /** Findings below this severity are not reported. */
    readonly minSeverity: Severity;
    readonly kinds: Readonly<Partial<Record<AnomalyKind, KindRule>>>;
  };
  /** Regexes: findings whose template or sample matches any are dropped. */
  readonly ignore: readonly string[];
  /** A central team's mutes and accepts (see src/detector/mutes.ts); the mutes file adds its own. */
  readonly mutes: readonly ConfigMute[];
  readonly notify: {
    /** Every address that may be told (with or without a rule). */
    readonly recipients: readonly string[];
    /** Rules by lower-cased address; a recipient without one gets every incident at notify.minSeverity. */
    readonly routes?: Readonly<Record<string, RouteRule>>;
    /** Webhooks (generic signed JSON or Slack), each with the same rule fields as a recipient. */
    readonly webhooks?: readonly WebhookConfig[];
    /** Notify only when some reported finding has at least this severity. */
    readonly minSeverity: Severity;
    readonly subjectPrefix: string;
  };
}
