/**
 * The template text a person reads, from the template's tokens: words that stand for values in
 * messages (the Loghub-2.0 conventions' booleans and user strings: `true`, `false`, `null`, `root`,
 * `admin`) are shown as <*> (`user=<*>`, `is <*>`). Display only: the tokens keep them, so
 * matching and grouping never treat two such words as one (`is true` and `is false` may be
 * different events).
 */
const VALUE_WORDS = new Set(['true', 'false', 'null', 'root', 'admin']);
const isWordCode = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;

function displayToken(t: string): string {
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

export function displayTemplate(tokens: readonly string[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) out += (i > 0 ? ' ' : '') + displayToken(tokens[i]);
  return out;
}
