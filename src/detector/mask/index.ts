/**
 * Masking before mining: configured regexes first (each match becomes `<*>`, as logparser's
 * preprocessing does), then the built-in per-token maskers (./token.ts).
 */
import { ConfigError, ErrorCode, messageOf } from '../../errors.js';
import { userRegExp } from '../../util/linear-regex.js';

export { maskToken, isVariableToken } from './token.js';

/** Compiles user mask patterns (global flag added), naming the bad one on error. */
export function compileMasks(patterns: readonly string[], where = 'masks'): RegExp[] {
  return patterns.map((p, i) => {
    try {
      return userRegExp(p, 'g');
    } catch (err) {
      throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: where, field: `${where}[${i}]` }, `invalid regex ${JSON.stringify(p)}: ${messageOf(err)}`);
    }
  });
}

/** Ensures the global flag so replace() replaces every match. */
export function globalize(masks: readonly RegExp[]): RegExp[] {
  return masks.map((r) => (r.global ? r : new RegExp(r.source, r.flags + 'g')));
}

/** Applies the configured regexes in order; returns the input itself when nothing matched. */
export function applyMasks(content: string, masks: readonly RegExp[]): string {
  let s = content;
  for (let i = 0; i < masks.length; i++) {
    // replace() hands back the same string when nothing matched: no test() pass needed
    s = s.replace(masks[i], '<*>');
  }
  return s;
}
