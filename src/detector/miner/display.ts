/**
 * The template text a person reads, from the template's tokens: words that stand for values in
 * messages (the Loghub-2.0 conventions' booleans and user strings: `true`, `false`, `null`, `root`,
 * `admin`) are shown as <*> (`user=<*>`, `is <*>`). Display only: the tokens keep them, so
 * matching and grouping never treat two such words as one (`is true` and `is false` may be
 * different events).
 */
import { WILDCARD } from '../mask/token.js';

const VALUE_WORDS = new Set(['true', 'false', 'null', 'root', 'admin']);
const isWordCode = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;

function displayToken(t: string): string {
  // `<KSLockFile: 0x7f9950712080>` is `<KSLockFile: <*>`, `msgid=<2005@host>` is `msgid=<*>`: an
  // angle bracket glued to a variable is shown as part of it (`<*>>` and `<<*>` read as typos;
  // the Loghub-2.0 convention)
  if (t.includes('<*>>') || t.includes('<<*>')) t = t.replaceAll('<<*>', '<*>').replaceAll('<*>>', '<*>');
  // the word alone inside punctuation (`(root)`, `root,`) or the value of `key=` (`user=root`)
  const eq = t.indexOf('=');
  for (let i = 0; i < eq; i++) if (!isWordCode(t.charCodeAt(i))) return t;
  let a = eq + 1;
  while (a < t.length && !isWordCode(t.charCodeAt(a))) a++;
  let b = a;
  while (b < t.length && isWordCode(t.charCodeAt(b))) b++;
  if (b - a < 4 || b - a > 5) return t;
  for (let i = b; i < t.length; i++) if (isWordCode(t.charCodeAt(i))) return t;
  return VALUE_WORDS.has(t.slice(a, b).toLowerCase()) ? t.slice(0, a) + '<*>' + t.slice(b) : t;
}

const TIME = '<*>:<*>:<*>';

/**
 * A date written out around a time of day (`Fri Jun 17 07:07:00 2005`, `Jun 17 07:07:00`) is one
 * timestamp: two or more bare `<*>` right before a time, and a bare `<*>` (the year) right after
 * it, are shown as the time alone. Returns the index after the run, or -1 when `i` starts none.
 */
function dateRunEnd(tokens: readonly string[], i: number): number {
  let j = i;
  while (j < tokens.length && tokens[j] === WILDCARD) j++;
  if (j - i < 2 || tokens[j] !== TIME || (i > 0 && tokens[i - 1] === WILDCARD)) return -1;
  return tokens[j + 1] === WILDCARD ? j + 2 : j + 1;
}

export function displayTemplate(tokens: readonly string[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0) out += ' ';
    const end = tokens[i] === WILDCARD ? dateRunEnd(tokens, i) : -1;
    if (end > 0) {
      out += TIME;
      i = end - 1;
    } else out += displayToken(tokens[i]);
  }
  return out;
}
