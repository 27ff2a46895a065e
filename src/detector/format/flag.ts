/**
 * The CLI's `--format`: `auto`, `raw`, `cloudwatch`, `logfmt`, a preset name (`postgresql`, `syslog`...), `json` / `json:<messageField>[,ts=<f>][,level=<f>][,stream=<f>]`,
 * or a loghub pattern (anything containing `<Content>`), optionally `loghub:<pattern>`.
 */
import type { LogFormat } from '../../config/settings-types.js';
import { UsageError, messageOf } from '../../errors.js';
import { compileLoghubPattern } from './loghub.js';
import { PRESET_NAMES } from './presets.js';

export function parseFormatFlag(flag: string): LogFormat {
  const f = flag.trim();
  if (f === 'raw') return { type: 'raw' };
  if (f === 'cloudwatch') return { type: 'cloudwatch' };
  if (f === 'auto') return { type: 'auto' };
  if (f === 'logfmt') return { type: 'logfmt' };
  if (f === 'journald-json') return { type: 'json', messageField: 'MESSAGE', timestampField: '__REALTIME_TIMESTAMP', levelField: 'PRIORITY', streamField: 'SYSLOG_IDENTIFIER' };
  if (PRESET_NAMES.includes(f)) return { type: 'preset', name: f };
  if (f === 'json' || f.startsWith('json:')) {
    const parts = f === 'json' ? [] : f.slice(5).split(',');
    let messageField = 'message';
    let timestampField: string | undefined;
    let levelField: string | undefined;
    let streamField: string | undefined;
    for (const [i, p] of parts.entries()) {
      const eq = p.indexOf('=');
      if (eq < 0) {
        if (i !== 0 || p === '') throw new UsageError(`--format ${flag}: expected json:<messageField>[,ts=<field>][,level=<field>][,stream=<field>]`);
        messageField = p;
        continue;
      }
      const key = p.slice(0, eq);
      const value = p.slice(eq + 1);
      if (value === '') throw new UsageError(`--format ${flag}: "${key}=" needs a field name`);
      if (key === 'ts' || key === 'timestamp') timestampField = value;
      else if (key === 'level') levelField = value;
      else if (key === 'stream') streamField = value;
      else if (key === 'message' || key === 'msg') messageField = value;
      else throw new UsageError(`--format ${flag}: unknown option "${key}" (use ts=, level=, stream=)`);
    }
    return { type: 'json', messageField, timestampField, levelField, streamField };
  }
  const pattern = f.startsWith('loghub:') ? f.slice(7) : f;
  if (!pattern.includes('<Content>')) {
    throw new UsageError(`--format "${flag}": expected auto, raw, json[:field], logfmt, cloudwatch, journald-json, one of ${PRESET_NAMES.join(', ')}, or a loghub pattern with <Content>`);
  }
  try {
    compileLoghubPattern(pattern);
  } catch (err) {
    throw new UsageError(`--format "${flag}": ${messageOf(err)}`);
  }
  return { type: 'loghub', pattern };
}
