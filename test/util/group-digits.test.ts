import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../src/util/group-digits.js';

describe('groupDigits', () => {
  it('prints integers exactly as toLocaleString("en-US") does', () => {
    const xs = [0, 7, 42, 999, 1000, 1234, 99999, 100000, 1234567, 10_000_000, -1, -999, -1000, -1234567, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 500; i++) xs.push(Math.floor((Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 15)));
    for (const x of xs) expect(groupDigits(x), String(x)).toBe(x.toLocaleString('en-US'));
  });
});
