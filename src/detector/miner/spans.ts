/**
 * Variable-length spans: parts of a message that hold a run of 0..n words of free content between
 * constant delimiters, so that lines differing only in that run's length are one template
 * (Drain3 issue 66, "multi-token parameters"). Found while tokenizing, from the delimiters alone:
 * - a quoted run: a token opening `"` or `'` through the token whose quote closes it (followed
 *   only by punctuation and a space or the line's end): `said "good morning to you" to`,
 *   user agents, Python's `invalid literal ...: 'twelve apples'`, quoted paths with spaces. A
 *   single Capitalised word (`state 'Active'`) is left to the families: an enumeration.
 *   A leading all-capitals word stays a constant (`"GET <*>"`, `"SELECT <*>"`): it names the
 *   operation, and request lines with different methods are different events.
 * - a JSON object: a token opening `{"` (spaces allowed between) through its balanced `}`
 *   (strings respected).
 * - an SQL statement: an all-capitals SELECT/INSERT/UPDATE/DELETE/WITH word and the rest of the
 *   line (`statement: SELECT <*>`, the way PostgreSQL and MySQL log queries); after PostgreSQL's
 *   `statement:` / `STATEMENT:` label the verb may be in any case (`select <*>`), and a
 *   statement starting otherwise (`BEGIN`, `vacuum t`) is one variable to the line's end.
 * The tokenizer then treats the run as ONE token (rendered `"<*>"` / `<*>`) that is variable, so it
 * stays out of the signature: one template whatever the run's length, at the cost of a char
 * compare per token.
 */

/** The span found by findSpan: the token grows to [start, end); masked = s[start,x) + <*> + s[y,end). */
export const span = { x: 0, y: 0, end: 0, /** >0: keep this token, the NEXT token opens a span closing at `close`. */ close: -1 };

const LIMIT = 4096;

const isSpaceCode = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0xfeff;
const isCloserTail = (c: number) => c === 44 || c === 59 || c === 58 || c === 46 || c === 41 || c === 93 || c === 125;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isWordCode = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c >= 128;

function wordEnd(s: string, k: number): number {
  while (k < s.length && !isSpaceCode(s.charCodeAt(k))) k++;
  return k;
}

/** Index of the quote that closes a run opened at `open`, or -1. */
function closingQuote(s: string, open: number, q: number): number {
  const stop = Math.min(s.length, open + LIMIT);
  for (let j = open + 1; j < stop; j++) {
    if (s.charCodeAt(j) !== q) continue;
    let k = j + 1;
    while (k < s.length && isCloserTail(s.charCodeAt(k))) k++;
    if (k === s.length || isSpaceCode(s.charCodeAt(k))) return j;
  }
  return -1;
}

/**
 * For the token [start, end) whose first char is `c0`: whether it opens a span. Sets `span`
 * (and returns true) when the token itself grows into the span, or sets `span.close` (and returns
 * false) when the token stays a constant and the next one opens the span.
 */
export function findSpan(s: string, start: number, end: number, c0: number): boolean {
  span.close = -1;
  if (c0 === 34 || c0 === 39) {
    const j = closingQuote(s, start, c0);
    if (j <= start + 1) return false;
    let hasWord = false;
    let space = -1;
    for (let k = start + 1; k < j; k++) {
      const c = s.charCodeAt(k);
      if (isWordCode(c)) hasWord = true;
      else if (space < 0 && isSpaceCode(c)) space = k;
    }
    if (!hasWord) return false; // `"-"`, `""`: constants
    // one Capitalised word (`state 'Active'`) is an enumeration naming the event far more often
    // than free input: it stays a constant (the families generalise it if it varies)
    if (space < 0 && isUpper(s.charCodeAt(start + 1))) return false;
    // a leading all-capitals word names the operation: `"GET /a HTTP/1.1"`, `'SELECT ...'`
    let caps = start + 1;
    while (caps < j && isUpper(s.charCodeAt(caps))) caps++;
    const leadingCaps = caps - start - 1 >= 3 && (caps === j || caps === space);
    if (leadingCaps) {
      if (caps === j) return false; // `"GET"` alone
      if (space === end) span.close = j;
      return false;
    }
    span.x = start + 1;
    span.y = j;
    span.end = wordEnd(s, j);
    return true;
  }
  // `{`: a JSON object (`{"` after optional spaces), through its balanced brace
  let first = start + 1;
  while (first < s.length && isSpaceCode(s.charCodeAt(first))) first++;
  if (s.charCodeAt(first) !== 34) return false;
  let depth = 0;
  let inString = false;
  const stop = Math.min(s.length, start + LIMIT);
  for (let k = start; k < stop; k++) {
    const c = s.charCodeAt(k);
    if (inString) {
      if (c === 92) k++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) {
      span.x = start;
      span.y = k + 1;
      span.end = wordEnd(s, k + 1);
      return true;
    }
  }
  return false;
}

const VERBS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH'];

/**
 * SELECT/INSERT/UPDATE/DELETE/WITH in capitals, or in any case when `anyCase` (after a
 * `statement:` label, where nothing but SQL follows). The tokenizer checks letters only.
 */
export function isSqlVerb(s: string, start: number, end: number, anyCase = false): boolean {
  const n = end - start;
  if (n !== 4 && n !== 6) return false;
  // no string built on the hot path: capitals are compared in place
  if (!anyCase) return n === 4 ? s.startsWith('WITH', start) : s.startsWith('SELECT', start) || s.startsWith('INSERT', start) || s.startsWith('UPDATE', start) || s.startsWith('DELETE', start);
  return VERBS.includes(s.slice(start, end).toUpperCase());
}

/** PostgreSQL's `statement:` / `STATEMENT:` label (the tokenizer checks length 10 and the colon). */
export function isStatementLabel(s: string, start: number): boolean {
  return s.slice(start, start + 9).toLowerCase() === 'statement';
}
