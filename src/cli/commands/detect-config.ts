/**
 * The detection config for `detect --config`: the config module's parser when it is there (one
 * validator for the pipeline and the CLI), else a minimal reader of `thresholds` over defaults.
 */
import { readFile } from 'node:fs/promises';
import type { DetectionConfig } from '../../config/detection-types.js';
import { ConfigError, ErrorCode, UsageError, errnoCode, messageOf } from '../../errors.js';
import { DEFAULT_DETECTION_CONFIG } from '../../detector/defaults.js';

type Parser = (text: string, source: string) => DetectionConfig;

async function configParser(): Promise<Parser | null> {
  const specifier = '../../config/detection-config.js';
  try {
    const mod = (await import(specifier)) as { parseDetectionConfig?: Parser };
    return mod.parseDetectionConfig ?? null;
  } catch (err) {
    if (errnoCode(err) === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

export async function loadDetectionConfig(path: string): Promise<DetectionConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${path}: ${errnoCode(err) === 'ENOENT' ? 'no such file' : messageOf(err)}`);
  }
  const parser = await configParser();
  if (parser) return parser(text, path);
  let doc: Record<string, unknown>;
  try {
    // yaml is 70-odd CommonJS files (~100 ms to load): only `detect --config` pays for it
    const { parse: parseYaml } = await import('yaml');
    doc = (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: path }, messageOf(err));
  }
  const th = { ...DEFAULT_DETECTION_CONFIG.thresholds } as Record<string, number>;
  const given = (doc.thresholds ?? {}) as Record<string, unknown>;
  const alias: Record<string, string> = {
    bucket_seconds: 'bucketSeconds', spike_factor: 'spikeFactor', drop_factor: 'dropFactor',
    error_rate_factor: 'errorRateFactor', min_count: 'minCount', rare_max_count: 'rareMaxCount',
  };
  for (const [k, v] of Object.entries(given)) {
    const key = alias[k] ?? k;
    if (!(key in th)) throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: path, field: `thresholds.${k}` }, 'unknown threshold');
    if (typeof v !== 'number' || !(v > 0)) throw new ConfigError(ErrorCode.CONFIG_INVALID, { file: path, field: `thresholds.${k}` }, `expected a number > 0, got ${JSON.stringify(v)}`);
    th[key] = v;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar (string or number) in any file this reads; printed as is
  return { ...DEFAULT_DETECTION_CONFIG, version: String(doc.version ?? 'local'), thresholds: th as unknown as DetectionConfig['thresholds'] };
}
