/**
 * The built-in maskers, decided per whitespace token by one char-class scan instead of a regex per
 * kind: a token is variable when it carries a digit (numbers, hex ids, IPv4/IPv6 and ports, UUIDs,
 * timestamps, durations, versions), or is a URL, an email address, a path with two or more
 * segments, or the (variable-looking) value of `key=value`. Brackets and trailing punctuation around a variable stay
 * literal so `[10.0.0.1]` becomes `[<*>]` and `(uid=0)` becomes `(uid=<*>)`.
 */
export const WILDCARD = '<*>';

// char classes as plain numeric constants (an enum object costs a property load per char)
const DIGIT = 1;
const ALPHA = 2;
const SLASH = 4;
const AT = 8;
const COLON = 16;
const EQ = 32;
const DOT = 64;
const STAR = 128;
/** Classes that can make a token variable: tokens without any of them (and longer than 2) stay as they are. */
export const MASKABLE = DIGIT | SLASH | AT | EQ | STAR | COLON;
export const ALPHA_CLASS = ALPHA;
export const DIGIT_CLASS = DIGIT;
export const SLASH_CLASS = SLASH;
export const EQ_CLASS = EQ;
export const STAR_CLASS = STAR;
export const DOT_CLASS = DOT;

/** Char class per ASCII code (non-ASCII counts as a letter). */
export const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = ALPHA;
for (let c = 97; c <= 122; c++) CLASS[c] = ALPHA;
CLASS[47] = SLASH;
CLASS[92] = SLASH; // backslash paths (Windows)
CLASS[64] = AT;
CLASS[58] = COLON;
CLASS[61] = EQ;
CLASS[46] = DOT;
CLASS[42] = STAR;

const isOpen = (c: number) => c === 40 || c === 91 || c === 123 || c === 34 || c === 39 || c === 60; // ( [ { " ' <
const isClose = (c: number) =>
  c === 41 || c === 93 || c === 125 || c === 34 || c === 39 || c === 62 || c === 44 || c === 59 || c === 46 || c === 58 || c === 33 || c === 63; // ) ] } " ' > , ; . : ! ?

/**
 * Where the wildcard goes in the last planned token: the masked token is always
 * `s[start, x) + "<*>" + s[plan.y, end)`, so the hot path can hash it without building it.
 */
export const plan = { y: 0 };

/**
 * Plans the masking of one token of `s` in [start, end) (no whitespace inside). Returns -1 when
 * the token stays as it is; else x, with the masked form `s[start, x) + "<*>" + s[plan.y, end)`.
 */
export function planToken(s: string, start: number, end: number): number {
  let flags = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : ALPHA;
    flags |= k;
    digits += k & DIGIT;
  }
  return planScanned(s, start, end, flags, digits);
}

/**
 * planToken for a token whose char classes (OR of CLASS) and digit count the caller already
 * gathered in its own scan. Positions of `=`, `:` and the slash count are looked up only when the
 * flags say they exist: most tokens never need them.
 */
export function planScanned(s: string, start: number, end: number, flags: number, digits: number): number {
  if ((flags & (DIGIT | SLASH | AT | EQ | STAR | COLON)) === 0) {
    // an empty bracket pair is an empty value: `()` where others have `(host)`
    if (end - start === 2 && isEmptyPair(s.charCodeAt(start), s.charCodeAt(start + 1))) {
      plan.y = start + 1;
      return start + 1;
    }
    return -1;
  }
  // peel brackets and trailing punctuation (never the `>` that closes a `<*>`)
  let a = start;
  let b = end;
  while (a < b && isOpen(s.charCodeAt(a)) && !s.startsWith(WILDCARD, a)) a++;
  while (b > a && isClose(s.charCodeAt(b - 1)) && !(b - a >= 3 && s.startsWith(WILDCARD, b - 3))) b--;
  if (a >= b) return -1;
  // `key:value` only with one colon and a plain word key (not IPv6, not a time)
  const firstEq = (flags & EQ) !== 0 ? indexIn(s, 61, start, end) : -1;
  let kv = -1;
  if (firstEq > a) kv = firstEq;
  else if ((flags & COLON) !== 0 && (digits > 0 || (flags & STAR) !== 0)) {
    const firstColon = indexIn(s, 58, start, end);
    // (a host name before the colon is an address and its port, not a key)
    if (firstColon > a && !hasCharIn(s, 58, firstColon + 1, b) && isWord(s, a, firstColon) && !(isHostName(s, a, firstColon) && allDigits(s, firstColon + 1, b))) kv = firstColon;
  }
  if (kv > a && kv < b - 1 && !isKey(s, a, kv)) {
    // `Policy(maxRetries=10,`: a name and its opening bracket come before the key
    const k = lastOpener(s, a, kv);
    if (k > a && isKey(s, k + 1, kv) && isNameBefore(s, a, k)) a = k + 1;
  }
  if (kv > a && kv < b - 1 && isKey(s, a, kv)) {
    // key=value (or key:value with a number): the key stays; the value is variable when it
    // looks like one. A plain word value (`user=root`, `state=RUNNING`) may be what tells two
    // events apart, so it stays unless the miner sees it vary; a dotted value (a host name,
    // a file name, a version) is variable.
    const q = s.charCodeAt(kv + 1);
    if (q === 34 || q === 39) {
      // a quoted value (`tag="View Lock",`) is free text: `tag=<*>`, quotes and all
      plan.y = end;
      return kv + 1;
    }
    const x = planToken(s, kv + 1, b);
    if (x >= 0) return x; // plan.y already points past the value's wildcard; the tail follows
    if (!hasCharIn(s, 46, kv + 1, b - 1)) return -1;
    plan.y = b;
    return kv + 1;
  }
  if ((flags & (DIGIT | SLASH | AT | STAR)) === 0) return -1;
  let variable = digits >= 2 || ((flags & STAR) !== 0 && hasWildcardIn(s, a, b));
  if (!variable && flags & AT) variable = isEmail(s, a, b);
  if (!variable && flags & SLASH) variable = hasTwoSlashes(s, start, end) || hasUrlScheme(s, a, b);
  if (!variable && digits === 1) {
    // a word ending in one digit (`ssh2`, `eth0`, `IRQ0`) masks just the digit, so `eth<*>` and
    // `alt<*>` stay apart while `IRQ0`/`IRQ2` agree; anything else with digits is a number, id,
    // address or time
    if (isWordDigit(s, a, b)) {
      plan.y = b;
      return b - 1;
    }
    // a name with one digit inside it (`jk2_init()`, `Slf4jLogger`, `log4j`) is a function or
    // class name, a constant: values with a single digit in the middle of letters are rare
    if (isNameWithDigit(s, a, b)) return -1;
    variable = true;
  }
  // `IO80211Manager::setMode`, `AirPort_Brcm43xx::powerChange:`: a qualified code name whose
  // last part is a plain method name: the method names the event, only the qualifier varies
  if (variable && (flags & COLON) !== 0) {
    const q = qualifiedMethod(s, a, b);
    if (q > a) {
      plan.y = q;
      return a;
    }
  }
  // `taskID[2019352994]`, `deny(1)`, `hibernate_setup(2)`: a name and its bracketed value, like
  // key=value: the name stays
  if (variable && (flags & (AT | STAR)) === 0 && (flags & ALPHA) !== 0) {
    const k = bracketedValue(s, a, b, end);
    if (k > 0) {
      plan.y = b;
      return k;
    }
  }
  // (without a letter anywhere there is no label: numbers, IPs and times skip the search)
  if (variable && (flags & (SLASH | AT | STAR)) === 0 && (flags & ALPHA) !== 0) {
    // `instruction......0`, `node-246`, `core.12`: a label, punctuation, then a number: only the
    // number varies
    const t = trailingNumber(s, a, b);
    // a host name and its port (`proxy.example.edu:5070`) is an address: all of it is the value
    if (t > a && !(s.charCodeAt(t - 1) === 58 && isHostName(s, a, t - 1))) {
      plan.y = b;
      return t;
    }
  }
  if (!variable) return -1;
  plan.y = b;
  return a;
}

/** The masked form of one token (the token itself when it is constant). */
export function maskToken(s: string, start: number, end: number): string {
  const x = planToken(s, start, end);
  if (x < 0) return s.slice(start, end);
  const y = plan.y;
  if (x === start && y === end) return WILDCARD;
  return s.slice(start, x) + WILDCARD + s.slice(y, end);
}

/** Whether a planned masked token is nothing but the wildcard and punctuation around it. */
export function plannedIsVariable(s: string, start: number, x: number, y: number, end: number): boolean {
  for (let i = start; i < x; i++) if (isWordCode(s.charCodeAt(i))) return false;
  for (let i = y; i < end; i++) if (isWordCode(s.charCodeAt(i))) return false;
  return true;
}

const isWordCode = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c >= 128;

// The searches below stay inside the token: an unbounded indexOf would scan the rest of the line
// for every token (quadratic in tokens per line). Each keeps the old meaning exactly: "the FIRST
// occurrence at or after a" decides.

export function hasWildcardIn(s: string, a: number, b: number): boolean {
  for (let i = a; i + 3 <= b; i++) if (s.charCodeAt(i) === 60 && s.charCodeAt(i + 1) === 42 && s.charCodeAt(i + 2) === 62) return true;
  return false;
}

/** First `://` at or after a lies inside (a, b). */
function hasUrlScheme(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47) return i > a;
  return false;
}

/** Two or more `/` or `\\` in [a, b). */
export function hasTwoSlashes(s: string, a: number, b: number): boolean {
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if ((c === 47 || c === 92) && ++n === 2) return true;
  }
  return false;
}

function indexIn(s: string, c: number, a: number, b: number): number {
  for (let i = a; i < b; i++) if (s.charCodeAt(i) === c) return i;
  return -1;
}

/** True when a masked token is only wildcards and punctuation (`<*>`, `(<*>`, `[<*>]`, `<*>:<*>,`). */
export function isVariableToken(t: string): boolean {
  if (t.length < 3) return false;
  let star = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 60 && t.startsWith(WILDCARD, i)) {
      star = true;
      i += 2;
      continue;
    }
    const k = c < 128 ? CLASS[c] : ALPHA;
    if (k === ALPHA || k === DIGIT || c === 95) return false;
  }
  return star;
}

export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Start of a trailing number (digits, inner dots) that follows letters and then at least one
 * punctuation char (`.`, `-`, `_`, `#`, `:`); -1 when the token is not shaped like that or
 * has digits before the tail.
 */
const isSeparatorCode = (p: number) => p === 46 || p === 45 || p === 95 || p === 35 || p === 58;

function trailingNumber(s: string, a: number, b: number): number {
  let t = b;
  while (t > a) {
    const c = s.charCodeAt(t - 1);
    if (isDigitCode(c) || (c === 46 && t < b && isDigitCode(s.charCodeAt(t)))) t--;
    else break;
  }
  if (t === b || t === a) return -1;
  if (!isDigitCode(s.charCodeAt(t))) t++;
  // a sign after a separator belongs to the number (`blk_-123` and `blk_123` agree)
  if (t - 2 > a && (s.charCodeAt(t - 1) === 45 || s.charCodeAt(t - 1) === 43) && isSeparatorCode(s.charCodeAt(t - 2))) t--;
  const p = s.charCodeAt(t - 1);
  if (!isSeparatorCode(p)) return -1;
  let letters = 0;
  for (let i = a; i < t; i++) {
    const c = s.charCodeAt(i);
    if (isDigitCode(c)) return -1;
    if ((c | 32) >= 97 && (c | 32) <= 122) letters++;
  }
  return letters >= 2 ? t : -1;
}

/** `[A-Za-z][A-Za-z_-]*[:=]?` followed by exactly one digit. */
function isWordDigit(s: string, a: number, b: number): boolean {
  if (b - a < 2 || !isDigitCode(s.charCodeAt(b - 1))) return false;
  let end = b - 1;
  const sepc = s.charCodeAt(end - 1);
  if (sepc === 58 || sepc === 61) end--;
  if (end <= a) return false;
  for (let i = a; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!((c | 32) >= 97 && (c | 32) <= 122) && !(i > a && (c === 95 || c === 45))) return false;
  }
  return true;
}

/**
 * Letters, `_` and one digit that sits between letters (`jk2_init`, `Slf4jLogger`), with a letter
 * beyond a-f somewhere (hex ids are values), optionally followed by `()`.
 */
function isNameWithDigit(s: string, a: number, b: number): boolean {
  if (b - a >= 2 && s.charCodeAt(b - 1) === 40) b--; // `init(` once `)` was peeled
  let digit = -1;
  let nonHex = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (isDigitCode(c)) digit = i;
    else if ((c | 32) >= 103 && (c | 32) <= 122) nonHex = true;
    else if (!((c | 32) >= 97 && (c | 32) <= 102) && c !== 95) return false;
  }
  if (!nonHex || digit <= a || digit >= b - 1) return false;
  const before = s.charCodeAt(digit - 1) | 32;
  const after = s.charCodeAt(digit + 1);
  return before >= 97 && before <= 122 && (((after | 32) >= 97 && (after | 32) <= 122) || after === 95);
}

/**
 * Two or more dots between labels of letters, digits, `-` and `_` (`proxy.cse.cuhk.edu.hk`). A
 * label in camel case (`WindowStateAnimator`, `destroySurface`) makes it a qualified code name
 * (`pkg.Class.method:120` is a stack frame's line), not a host.
 */
function isHostName(s: string, a: number, b: number): boolean {
  let dots = 0;
  let label = 0;
  let lower = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (label === 0) return false;
      dots++;
      label = 0;
      lower = false;
    } else if (c >= 97 && c <= 122) {
      lower = true;
      label++;
    } else if (c >= 65 && c <= 90) {
      if (lower) return false;
      label++;
    } else if (isDigitCode(c) || c === 45 || c === 95) label++;
    else return false;
  }
  return dots >= 2 && label > 0;
}

/**
 * Start of the value in `name(value)` / `name[value]` ([a, b) with the closer peeled off at b): the
 * name letters, `_`, `-` or `.` without a digit; the value has a digit and no bracket of its own.
 * 0 when the token is not shaped like that.
 */
function bracketedValue(s: string, a: number, b: number, end: number): number {
  if (b >= end) return 0;
  const close = s.charCodeAt(b);
  let k = a;
  let letters = 0;
  for (; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c === 40 || c === 91) break;
    if ((c | 32) >= 97 && (c | 32) <= 122) letters++;
    else if (!(c === 95 || c === 45 || c === 46)) return 0;
  }
  if (k >= b - 1 || letters < 2 || close !== (s.charCodeAt(k) === 40 ? 41 : 93)) return 0;
  let digit = false;
  for (let i = k + 1; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === 40 || c === 91 || c === 41 || c === 93) return 0;
    if (isDigitCode(c)) digit = true;
  }
  return digit ? k + 1 : 0;
}

/**
 * Where the last `::` starts when [a, b) is `qualifier::method` (the method letters and `_`,
 * optionally `()`, nothing else; the qualifier with a digit), or the last `:` when it is an
 * address (digits, dots, colons) glued to a Capitalised word; else -1.
 */
function qualifiedMethod(s: string, a: number, b: number): number {
  let e = b;
  if (e - a > 2 && s.charCodeAt(e - 1) === 41 && s.charCodeAt(e - 2) === 40) e -= 2; // `()`
  else if (e - a > 1 && s.charCodeAt(e - 1) === 40) e -= 1; // `(` once `)` was peeled
  let i = e;
  while (i > a && (((s.charCodeAt(i - 1) | 32) >= 97 && (s.charCodeAt(i - 1) | 32) <= 122) || s.charCodeAt(i - 1) === 95)) i--;
  if (e - i < 2 || i - a < 2 || s.charCodeAt(i - 1) !== 58) return -1;
  if (s.charCodeAt(i - 2) === 58) {
    for (let k = a; k < i - 2; k++) if (isDigitCode(s.charCodeAt(k))) return i - 2;
    return -1;
  }
  // `10.251.30.85:50010:Got`: an address, then a word after its colon (a space left out)
  const cap = s.charCodeAt(i);
  if (e !== b || cap < 65 || cap > 90) return -1;
  for (let k = a; k < i - 1; k++) {
    const c = s.charCodeAt(k);
    if (!(isDigitCode(c) || c === 46 || c === 58)) return -1;
  }
  return isDigitCode(s.charCodeAt(i - 2)) ? i - 1 : -1;
}

/** The last `(` or `[` in (a, b), or -1. */
function lastOpener(s: string, a: number, b: number): number {
  for (let i = b - 1; i > a; i--) {
    const c = s.charCodeAt(i);
    if (c === 40 || c === 91) return i;
  }
  return -1;
}

/** Letters (two or more), `_`, `-` or `.` in [a, k): a name, no digit. */
function isNameBefore(s: string, a: number, k: number): boolean {
  let letters = 0;
  for (let i = a; i < k; i++) {
    const c = s.charCodeAt(i);
    if ((c | 32) >= 97 && (c | 32) <= 122) letters++;
    else if (!(c === 95 || c === 45 || c === 46)) return false;
  }
  return letters >= 2;
}

function allDigits(s: string, a: number, b: number): boolean {
  if (a >= b) return false;
  for (let i = a; i < b; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

function isEmptyPair(a: number, b: number): boolean {
  return (a === 40 && b === 41) || (a === 91 && b === 93) || (a === 123 && b === 125) || (a === 34 && b === 34) || (a === 39 && b === 39);
}

const DATE_WORDS = new Set([
  'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'april', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
]);

/** 1 at the index of each date word's first three letters (a-z each, base 26): one load, no hashing. */
const DATE_PREFIXES = new Uint8Array(26 * 26 * 26);
for (const w of DATE_WORDS) DATE_PREFIXES[((w.charCodeAt(0) - 97) * 26 + (w.charCodeAt(1) - 97)) * 26 + (w.charCodeAt(2) - 97)] = 1;

const letterIndex = (c: number) => {
  const l = (c | 32) - 97;
  return l >= 0 && l < 26 ? l : -1;
};

/** isDateWord on s[a, b) without slicing unless the 3-letter prefix already fits. */
export function isDateWordAt(s: string, a: number, b: number): boolean {
  const n = b - a;
  if (n < 3 || n > 9) return false;
  const l0 = letterIndex(s.charCodeAt(a));
  const l1 = letterIndex(s.charCodeAt(a + 1));
  const l2 = letterIndex(s.charCodeAt(a + 2));
  if (l0 < 0 || l1 < 0 || l2 < 0 || DATE_PREFIXES[(l0 * 26 + l1) * 26 + l2] === 0) return false;
  return n === 3 || DATE_WORDS.has(s.slice(a, b).toLowerCase());
}

function hasCharIn(s: string, c: number, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === c) return true;
  return false;
}

function isWord(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!(((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c === 45 || c === 46)) return false;
  }
  return true;
}

function isKey(s: string, a: number, eq: number): boolean {
  if (((s.charCodeAt(a) | 32) < 97 || (s.charCodeAt(a) | 32) > 122)) return false;
  for (let i = a; i < eq; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : 0;
    if (!(k === ALPHA || k === DIGIT || c === 95 || c === 45 || c === 46 || c === 58)) return false;
  }
  return true;
}

function isEmail(s: string, a: number, b: number): boolean {
  // first `@` at or after a, strictly inside, with room for `x.y` after it
  const at = indexIn(s, 64, a, b - 3);
  if (at <= a) return false;
  const dot = indexIn(s, 46, at, b - 1);
  return dot > at + 1;
}
