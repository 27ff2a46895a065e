/**
 * Loghub-style format strings, with exactly the semantics of logparser's benchmark (settings.json
 * `_meta.log_format_semantics`): split on `<Name>`, each header a lazy group, the literal text
 * between them is regex SOURCE (not escaped) with every run of spaces turned into `\s+`, anchored
 * `^…$`, applied to the trimmed line. Lines that do not match return null.
 */
import { ConfigError, ErrorCode, messageOf } from '../../errors.js';

export interface LoghubRegex {
  readonly regex: RegExp;
  /** Header names in order; group `h<i>` holds header i. */
  readonly headers: readonly string[];
  readonly contentIndex: number;
}

export function compileLoghubPattern(pattern: string): LoghubRegex {
  const pieces = pattern.split(/(<[^<>]+>)/);
  const headers: string[] = [];
  let src = '';
  for (const piece of pieces) {
    if (/^<[^<>]+>$/.test(piece)) {
      src += `(?<h${headers.length}>.*?)`;
      headers.push(piece.slice(1, -1));
    } else {
      src += piece.replace(/ +/g, '\\s+');
    }
  }
  const contentIndex = headers.indexOf('Content');
  if (contentIndex < 0) {
    throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: 'format', field: 'pattern' }, `log format "${pattern}" has no <Content> field`);
  }
  if (new Set(headers).size !== headers.length) {
    throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: 'format', field: 'pattern' }, `log format "${pattern}" repeats a field name`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^${src}$`, 's');
  } catch (err) {
    throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: 'format', field: 'pattern' }, `log format "${pattern}" is not a valid pattern: ${messageOf(err)}`);
  }
  return { regex, headers, contentIndex };
}

const TIME_NAMES = /^(date|time|month|day|year|datetime|ts)$/i;

/** Which headers make the timestamp when none are configured. */
export function defaultTimestampFields(headers: readonly string[]): string[] {
  const exact = headers.find((h) => /^timestamp$/i.test(h));
  if (exact) return [exact];
  return headers.filter((h) => TIME_NAMES.test(h));
}

export function defaultLevelField(headers: readonly string[]): string | undefined {
  return headers.find((h) => /^(level|severity|loglevel)$/i.test(h));
}
