/**
 * An explicit timestamp layout (`yyMMdd HHmmss`, `yyyy-MM-dd HH:mm:ss,SSS`, `MMM d HH:mm:ss`) for
 * when auto-detection guesses wrong. Letters: yyyy yy MM MMM dd d HH H mm ss S… (fraction);
 * anything else is a literal, and a space matches any run of spaces.
 */
import { ConfigError, ErrorCode } from '../../errors.js';

type Field = 'y4' | 'y2' | 'M' | 'MMM' | 'd' | 'H' | 'm' | 's' | 'S';
type Part = { readonly field: Field; readonly width: number; readonly flexible: boolean } | { readonly lit: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function compile(layout: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < layout.length) {
    const c = layout[i];
    let j = i;
    while (j < layout.length && layout[j] === c) j++;
    const run = j - i;
    let part: Part | null = null;
    if (c === 'y') part = { field: run >= 4 ? 'y4' : 'y2', width: run >= 4 ? 4 : 2, flexible: false };
    else if (c === 'M') part = run >= 3 ? { field: 'MMM', width: 3, flexible: false } : { field: 'M', width: 2, flexible: run === 1 };
    else if (c === 'd') part = { field: 'd', width: 2, flexible: run === 1 };
    else if (c === 'H') part = { field: 'H', width: 2, flexible: run === 1 };
    else if (c === 'm') part = { field: 'm', width: 2, flexible: false };
    else if (c === 's') part = { field: 's', width: 2, flexible: false };
    else if (c === 'S') part = { field: 'S', width: run, flexible: false };
    if (part) {
      parts.push(part);
      i = j;
    } else {
      parts.push({ lit: c });
      i++;
    }
  }
  if (!parts.some((p) => 'field' in p)) {
    throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: 'format', field: 'timestampLayout' }, `layout "${layout}" has no date or time letters`);
  }
  return parts;
}

export function createLayoutParser(layout: string, defaultYear = new Date().getUTCFullYear()): (text: string) => number | null {
  const parts = compile(layout);
  return (text) => {
    const s = text.trim();
    let pos = 0;
    let y = defaultYear, mo = 1, d = 1, h = 0, mi = 0, sec = 0, milli = 0;
    for (const p of parts) {
      if ('lit' in p) {
        if (p.lit === ' ') {
          if (s.charCodeAt(pos) !== 32) return null;
          while (s.charCodeAt(pos) === 32) pos++;
        } else if (s[pos++] !== p.lit) return null;
        continue;
      }
      if (p.field === 'MMM') {
        const m = MONTHS.indexOf(s.slice(pos, pos + 3).toLowerCase());
        if (m < 0) return null;
        mo = m + 1;
        pos += 3;
        continue;
      }
      let v = 0;
      let k = 0;
      const max = p.width;
      while (k < max && pos < s.length) {
        const c = s.charCodeAt(pos);
        if (c < 48 || c > 57) break;
        v = v * 10 + (c - 48);
        pos++;
        k++;
      }
      if (k === 0 || (k < max && !p.flexible)) return null;
      if (p.field === 'y4') y = v;
      else if (p.field === 'y2') y = 2000 + v;
      else if (p.field === 'M') mo = v;
      else if (p.field === 'd') d = v;
      else if (p.field === 'H') h = v;
      else if (p.field === 'm') mi = v;
      else if (p.field === 's') sec = v;
      else milli = k >= 3 ? Math.floor(v / Math.pow(10, k - 3)) : v * Math.pow(10, 3 - k);
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return null;
    return Date.UTC(y, mo - 1, d, h, mi, sec, milli);
  };
}
