/**
 * `1234567` -> `"1,234,567"`, as `toLocaleString('en-US')` prints an integer, without it: the first
 * toLocaleString call loads ICU number formatting (20-45 ms), which every `detect` paid at exit.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}
