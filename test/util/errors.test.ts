import { describe, expect, it } from 'vitest';
import { errnoCode, messageOf } from '../../src/errors.js';

describe('messageOf', () => {
  it('reads an Error and an error-shaped object, and prints anything else', () => {
    expect(messageOf(new TypeError('bad type'))).toBe('bad type');
    expect(messageOf({ message: 'from another realm' })).toBe('from another realm');
    expect(messageOf('a thrown string')).toBe('a thrown string');
    expect(messageOf(42)).toBe('42');
    expect(messageOf({ message: 7 })).toBe('[object Object]');
    expect(messageOf(null)).toBe('null');
  });
});

describe('errnoCode', () => {
  it('reads a system error code and nothing else', () => {
    expect(errnoCode(Object.assign(new Error('missing'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errnoCode(new Error('no code'))).toBeUndefined();
    expect(errnoCode({ code: 5 })).toBeUndefined();
    expect(errnoCode('ENOENT')).toBeUndefined();
    expect(errnoCode(undefined)).toBeUndefined();
  });
});
