/**
 * Timestamps to epoch ms without regexes or Date.parse (both are slow and Date.parse is
 * locale-lenient). One scanner reads the layouts logs actually use: ISO-8601 (with T/Z/offsets),
 * `yyyy-MM-dd HH:mm:ss,SSS`, `yy/MM/dd`, compact `yyMMdd HHmmss` / `yyyyMMdd-HH:mm:ss:SSS`,
 * syslog `MMM d HH:mm:ss` (no year: the default year), `Sun Dec 04 04:47:44 2005`,
 * `MM-dd HH:mm:ss.SSS`, and epoch seconds/milliseconds. No zone means UTC.
 */
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;

interface Scan {
  nums: Float64Array;
  lens: Int32Array;
  /** Separator char code before each number (0 at start). */
  seps: Int32Array;
  count: number;
  month: number;
  tz: number | null;
}

// reused across calls: this runs once per log line
const MAX_NUMS = 16;
const SCAN: Scan = { nums: new Float64Array(MAX_NUMS), lens: new Int32Array(MAX_NUMS), seps: new Int32Array(MAX_NUMS), count: 0, month: 0, tz: null };

function scan(s: string): Scan | null {
  const { nums, lens, seps } = SCAN;
  let count = 0;
  let month = 0;
  let tz: number | null = null;
  let sep = 0;
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      let v = 0;
      const start = i;
      while (i < n && isDigit(s.charCodeAt(i))) v = v * 10 + (s.charCodeAt(i++) - 48);
      if (i - start > 17 || count === MAX_NUMS) return null;
      nums[count] = v;
      lens[count] = i - start;
      seps[count] = sep;
      count++;
      sep = 0;
      continue;
    }
    if (isAlpha(c)) {
      const start = i;
      while (i < n && isAlpha(s.charCodeAt(i))) i++;
      const word = s.slice(start, i).toLowerCase();
      if (word === 't' && count > 0) { sep = 84; continue; }
      if (word === 'z' || word === 'utc' || word === 'gmt') { tz = 0; continue; }
      if (word === 'am' || word === 'pm') {
        // 12-hour clocks: fix the hour already read (the 4th number of a full date, else the first)
        const hi = count >= 5 ? count - (count >= 6 ? 3 : 2) : -1;
        if (hi >= 0) nums[hi] = (nums[hi] % 12) + (word === 'pm' ? 12 : 0);
        continue;
      }
      const m = MONTHS[word.slice(0, 3)];
      if (m !== undefined && month === 0) month = m;
      sep = 32;
      continue;
    }
    if ((c === 43 || c === 45) && tz === null && count >= 5 && i + 1 < n && isDigit(s.charCodeAt(i + 1))) {
      // +hh:mm / -hhmm after the time
      const sign = c === 43 ? 1 : -1;
      let j = i + 1;
      let k = 0;
      const digits: number[] = [];
      while (j < n && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 58) && k < 6) {
        if (s.charCodeAt(j) !== 58) digits.push(s.charCodeAt(j) - 48);
        j++;
        k++;
      }
      if (digits.length === 4 || digits.length === 2) {
        const hh = digits[0] * 10 + digits[1];
        const mm = digits.length === 4 ? digits[2] * 10 + digits[3] : 0;
        tz = sign * (hh * 60 + mm);
        i = j;
        continue;
      }
    }
    if (sep === 0 || sep === 32) sep = c;
    i++;
  }
  SCAN.count = count;
  SCAN.month = month;
  SCAN.tz = tz;
  return SCAN;
}

function ms(v: number, len: number): number {
  if (len <= 0) return 0;
  if (len === 3) return v;
  if (len < 3) return v * Math.pow(10, 3 - len);
  return Math.floor(v / Math.pow(10, len - 3));
}

// Date.UTC is the costly part; consecutive lines share the hour
let lastHourKey = -1;
let lastHourMs = 0;

function build(y: number, mo: number, d: number, h: number, mi: number, sec: number, milli: number, tz: number | null): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60 || y < 0 || y > 9999) return null;
  const key = ((y * 13 + mo) * 32 + d) * 25 + h;
  if (key !== lastHourKey) {
    const t = Date.UTC(y, mo - 1, d, h);
    if (!Number.isFinite(t)) return null;
    lastHourKey = key;
    lastHourMs = t;
  }
  return lastHourMs + mi * 60_000 + sec * 1000 + milli - (tz ?? 0) * 60_000;
}

/** The two digits at s[i, i+2) as a number, or -1 (past the end charCodeAt gives NaN: -1 too). */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// y, M, d, H, m, s of the last readIsoDateTime that succeeded; reused: this runs once per log line
const ISO = new Int32Array(6);

/**
 * Reads `dddd-dd-dd?dd:dd:dd` at s[a, a+19) into ISO, ? being a space (or T when allowT); each
 * char is read once. False for any other text.
 */
function readIsoDateTime(s: string, a: number, allowT: boolean): boolean {
  // the answer for a shorter text anyway (a digit read past the end is NaN), but reading past the
  // end of a string throws optimized code away (a stack-trace line like `... 12 more` did it, per process)
  if (s.length < a + 19) return false;
  const y1 = twoDigits(s, a);
  const y2 = twoDigits(s, a + 2);
  const mo = twoDigits(s, a + 5);
  const d = twoDigits(s, a + 8);
  const at = s.charCodeAt(a + 10);
  const h = twoDigits(s, a + 11);
  const mi = twoDigits(s, a + 14);
  const sec = twoDigits(s, a + 17);
  if ((y1 | y2 | mo | d | h | mi | sec) < 0 || (at !== 32 && !(allowT && at === 84))) return false;
  if (s.charCodeAt(a + 4) !== 45 || s.charCodeAt(a + 7) !== 45 || s.charCodeAt(a + 13) !== 58 || s.charCodeAt(a + 16) !== 58) return false;
  ISO[0] = y1 * 100 + y2;
  ISO[1] = mo;
  ISO[2] = d;
  ISO[3] = h;
  ISO[4] = mi;
  ISO[5] = sec;
  return true;
}

// end of the fraction digits read by fraction(); reused like ISO
const FRACTION_END = new Int32Array(1);

/** Milliseconds of the 1-9 digits after a `.`/`,` at s[i] (end in FRACTION_END), 0 with end i when no separator there, -1 when the digits are not 1-9. */
function fraction(s: string, i: number, limit: number): number {
  const sep = s.charCodeAt(i);
  if (sep !== 46 && sep !== 44) {
    FRACTION_END[0] = i;
    return 0;
  }
  let v = 0;
  let j = i + 1;
  for (; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (!isDigit(c)) break;
    v = v * 10 + (c - 48);
  }
  const len = j - (i + 1);
  if (len < 1 || len > 9) return -1;
  FRACTION_END[0] = j;
  return ms(v, len);
}

/**
 * The shape most logs use, `yyyy-MM-dd HH:mm:ss` (or T), then optionally `.`/`,` and 1-9 fraction
 * digits, then optionally `Z`, read straight from s[a, b) without slicing; undefined for any other
 * text. For exactly this shape scan() finds 6 or 7 numbers with those lengths and separators, no
 * month word, and a zone of 0 only from the Z, so parseTimestamp takes its `yyyy-MM-dd` branch and
 * calls build() with the same arguments as here: the result is the same, null included.
 */
export function parseIsoDateTimeRange(s: string, a: number, b: number): number | null | undefined {
  if (b - a < 19 || b - a > 30 || !readIsoDateTime(s, a, true)) return undefined;
  const zulu = s.charCodeAt(b - 1) === 90; // Z
  const end = zulu ? b - 1 : b;
  const milli = end > a + 19 ? fraction(s, a + 19, end) : 0;
  if (milli < 0 || (end > a + 19 && FRACTION_END[0] !== end)) return undefined;
  return build(ISO[0], ISO[1], ISO[2], ISO[3], ISO[4], ISO[5], milli, zulu ? 0 : null);
}

const isAsciiWs = (c: number) => c === 32 || (c >= 9 && c <= 13);

// end of the timestamp found by readIsoLineHead, -1 when none
export const ISO_HEAD_END = new Int32Array(1);

/**
 * Reads `yyyy-MM-dd HH:mm:ss[.,]S…[Z]` (a space at 10, 1-9 fraction digits) at the start of a
 * line when ASCII whitespace follows it, for `<Date> <Time> …` patterns: then those two fields are
 * line[0, 10) and line[11, end) without a scan, and the value returned is what
 * parseIsoDateTimeRange (so parseTimestamp) gives for line[0, end). The end goes to ISO_HEAD_END
 * (-1 when the line opens otherwise; the value returned is then meaningless).
 */
export function readIsoLineHead(line: string): number | null {
  ISO_HEAD_END[0] = -1;
  if (!readIsoDateTime(line, 0, false)) return null;
  const milli = fraction(line, 19, line.length);
  if (milli < 0) return null;
  let i = FRACTION_END[0];
  const zulu = line.charCodeAt(i) === 90; // Z
  if (zulu) i++;
  if (!isAsciiWs(line.charCodeAt(i))) return null; // NaN past the end: no
  ISO_HEAD_END[0] = i;
  return build(ISO[0], ISO[1], ISO[2], ISO[3], ISO[4], ISO[5], milli, zulu ? 0 : null);
}

/** Parses a timestamp string; null when it cannot tell. `defaultYear` fills in year-less layouts. */
export function parseTimestamp(text: string, defaultYear = new Date().getUTCFullYear()): number | null {
  const s = text.trim();
  if (s.length === 0 || s.length > 64) return null;
  const iso = parseIsoDateTimeRange(s, 0, s.length);
  if (iso !== undefined) return iso;
  const sc = scan(s);
  if (!sc) return null;
  const { nums, lens, seps, month } = sc;
  const k = sc.count;
  if (k === 0) return null;
  // epoch seconds (10 digits) or ms (13), optionally with a fraction
  if (month === 0 && (k === 1 || (k === 2 && seps[1] === 46)) && (lens[0] === 10 || lens[0] === 13)) {
    const base = lens[0] === 10 ? nums[0] * 1000 : nums[0];
    return base + (k === 2 && lens[0] === 10 ? ms(nums[1], lens[1]) : 0);
  }
  let i = 0;
  let y = defaultYear;
  let mo = month;
  let d: number;
  if (month !== 0) {
    // `Dec 04 04:47:44 2005`, `Jun 14 15:16:01`, `04 Dec 2005 04:47:44`, `2005 Dec 04 ...`
    if (lens[0] === 4) { y = nums[0]; i = 1; }
    d = nums[i++];
    if (i < k && lens[i] === 4 && seps[i] !== 58) { y = nums[i]; i++; }
    else if (k - i >= 4 && lens[k - 1] === 4 && seps[k - 1] === 32) { y = nums[k - 1]; }
  } else if (lens[0] === 8 && k >= 1) {
    y = Math.floor(nums[0] / 10000); mo = Math.floor(nums[0] / 100) % 100; d = nums[0] % 100; i = 1;
  } else if (lens[0] === 6 && k >= 2 && lens[1] === 6) {
    // yyMMdd HHmmss (HDFS)
    const yy = Math.floor(nums[0] / 10000);
    const t = nums[1];
    return build(2000 + yy, Math.floor(nums[0] / 100) % 100, nums[0] % 100, Math.floor(t / 10000), Math.floor(t / 100) % 100, t % 100, k >= 3 ? ms(nums[2], lens[2]) : 0, sc.tz);
  } else if (lens[0] === 4 && k >= 3) {
    y = nums[0]; mo = nums[1]; d = nums[2]; i = 3;
  } else if (k >= 3 && lens[2] === 4 && seps[2] === seps[1] && seps[1] !== 58) {
    // MM/dd/yyyy, or dd/MM/yyyy when the first number cannot be a month
    if (nums[0] > 12) { d = nums[0]; mo = nums[1]; } else { mo = nums[0]; d = nums[1]; }
    y = nums[2]; i = 3;
  } else if (k >= 3 && lens[0] === 2 && lens[1] === 2 && lens[2] === 2 && seps[2] === seps[1] && seps[1] !== 58) {
    y = 2000 + nums[0]; mo = nums[1]; d = nums[2]; i = 3;
  } else if (k >= 2 && lens[0] <= 2 && lens[1] <= 2 && seps[1] !== 58) {
    // MM-dd / MM.dd (Android, Proxifier): no year
    mo = nums[0]; d = nums[1]; i = 2;
  } else {
    return null;
  }
  // the time: H:M[:S][.,:frac]
  let h = 0, mi = 0, sec = 0, milli = 0;
  if (i < k) {
    if (lens[i] === 6 && (i + 1 >= k || seps[i + 1] !== 58)) {
      h = Math.floor(nums[i] / 10000); mi = Math.floor(nums[i] / 100) % 100; sec = nums[i] % 100;
    } else {
      h = nums[i++];
      if (i < k) mi = nums[i++];
      if (i < k && (seps[i] === 58 || seps[i] === 46)) sec = nums[i++];
      if (i < k && (seps[i] === 46 || seps[i] === 44 || seps[i] === 58)) milli = ms(nums[i], lens[i]);
    }
  }
  return build(y, mo, d, h, mi, sec, milli, sc.tz);
}
