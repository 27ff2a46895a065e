/**
 * A webhook's URL and secret, read from the environment variables the detection config names.
 * Pure: the caller hands in the environment (only the composition root reads process.env).
 *
 * Errors name the variable and where the config names it (`config.yaml:31:15
 * notify.webhooks[0].urlEnv`), never the value: a Slack webhook URL carries its token in its path.
 */
import type { ConfigPosition, DetectionConfig, WebhookConfig } from './detection-types.js';
import { ConfigError, ErrorCode } from '../errors.js';
import { hasUserInfo } from '../util/redact-url.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface WebhookEndpoint {
  readonly url: string;
  readonly secret?: string;
}

type Named = Pick<WebhookConfig, 'name' | 'urlEnv' | 'secretEnv' | 'at'>;

function where(w: Named, key: 'urlEnv' | 'secretEnv', index: number | undefined, file: string): ConfigPosition {
  return w.at?.[key] ?? { file, field: `notify.webhooks${index === undefined ? '' : `[${index}]`}.${key}` };
}

function problem(pos: ConfigPosition, text: string): ConfigError {
  return new ConfigError(ErrorCode.CONFIG_INVALID, pos, text, { details: { field: pos.field } });
}

/** The URL and secret of one webhook; a ConfigError when a variable is unset or the URL unusable. */
export function resolveWebhookEndpoint(w: Named, env: Env, opts: { index?: number; file?: string } = {}): WebhookEndpoint {
  const file = opts.file ?? 'detection config';
  const url = env[w.urlEnv]?.trim();
  const urlAt = where(w, 'urlEnv', opts.index, file);
  if (!url) throw problem(urlAt, `environment variable ${w.urlEnv} is not set (webhook ${JSON.stringify(w.name)} takes its URL from it)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw problem(urlAt, `environment variable ${w.urlEnv} does not hold a URL (webhook ${JSON.stringify(w.name)})`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw problem(urlAt, `environment variable ${w.urlEnv} must hold an http(s) URL, not ${parsed.protocol} (webhook ${JSON.stringify(w.name)})`);
  }
  if (hasUserInfo(url)) {
    throw problem(urlAt, `the URL in ${w.urlEnv} carries a user name or password; webhook receivers authenticate by the URL itself or the signature (webhook ${JSON.stringify(w.name)})`);
  }
  if (w.secretEnv === undefined) return { url };
  const secret = env[w.secretEnv];
  if (!secret) throw problem(where(w, 'secretEnv', opts.index, file), `environment variable ${w.secretEnv} is not set (webhook ${JSON.stringify(w.name)} signs with it)`);
  return { url, secret };
}

/** Every webhook's variables, checked once the config is known: a run fails early, not after detection. */
export function checkWebhookEnv(config: DetectionConfig, env: Env, file?: string): void {
  (config.notify.webhooks ?? []).forEach((w, index) => resolveWebhookEndpoint(w, env, { index, file }));
}
