import { describe, expect, it } from 'vitest';
import { maskToken, isVariableToken, applyMasks, compileMasks } from '../../src/detector/mask/index.js';
import { createTokenBuffers, maskedTokens, tokenizeLine } from '../../src/detector/miner/tokenize.js';
import { ConfigError } from '../../src/errors.js';

const m = (t: string) => maskToken(t, 0, t.length);
const maskLine = (s: string) => {
  const buf = createTokenBuffers(2);
  tokenizeLine(s, buf, true);
  return maskedTokens(buf).join(' ');
};

describe('built-in maskers (per token)', () => {
  it.each([
    ['12345', '<*>'],
    ['-17', '<*>'],
    ['3.14', '<*>'],
    ['0x7fff0a', '<*>'],
    ['deadbeef00', '<*>'],
    ['10.0.0.1', '<*>'],
    ['10.0.0.1:8080', '<*>'],
    ['[10.0.0.1]', '[<*>]'],
    ['fe80::1ff:fe23:4567:890a', '<*>'],
    ['[2001:db8::1]:443', '[<*>'],
    ['123e4567-e89b-12d3-a456-426614174000', '<*>'],
    ['/var/log/app/server.log', '<*>'],
    ['C:\\Windows\\winsxs\\x.dll', '<*>'],
    ['https://example.com/a?b=c', '<*>'],
    ['alice@example.com', '<*>'],
    ['2024-01-02T03:04:05Z', '<*>'],
    ['12:30:01', '<*>'],
    ['250ms', '<*>'],
    ['1.5s,', '<*>,'],
    ['(uid=0)', '(uid=<*>)'],
    ['port=8080', 'port=<*>'],
    ['tag="AudioMix",', 'tag=<*>'],
    ['user=root', 'user=root'],
    ['blk_-6952295868487656571', 'blk_<*>'],
    ['blk_38865049064139660', 'blk_<*>'],
    ['ssh2', 'ssh<*>'],
    ['eth0', 'eth<*>'],
    ['()', '(<*>)'],
    ['hello', 'hello'],
    ['failed:', 'failed:'],
    ['/etc', '/etc'],
  ])('%s -> %s', (input, expected) => {
    expect(m(input)).toBe(expected);
  });

  it('weekday and month names next to a date are part of the timestamp', () => {
    expect(maskLine('connection at Fri Jun 17 20:55:07 2005')).toBe('connection at <*> <*> <*> <*> <*>');
    expect(maskLine('the March report')).toBe('the March report');
    // only ASCII letters spell a date word: U+0A61 must not pass for the `a` of `jan`
    expect(maskLine('j\u0a61n 12 seen')).toBe('j\u0a61n <*> seen');
    expect(maskLine('JAN 12 seen')).toBe('<*> <*> seen');
  });

  it('the tokenizer\'s fast paths mask every token exactly as the planner does', () => {
    // a deterministic sweep over short tokens from an alphabet that reaches every fast path
    // (alphanumerics, dotted numbers, key=value, slashes) and every way out of them
    const full = 'aZq0917.=/\\-_:<*>()[],"\'@ñ#+';
    const alphabets = ['09.', 'a9Z', 'aZ09=', 'a9=.', 'a9/\\', 'a9/.:', full];
    let x = 12345;
    const next = (k: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % k;
    };
    let checked = 0;
    for (const alphabet of alphabets) {
      for (let n = 0; n < 4000; n++) {
        let t = '';
        const len = 1 + next(12);
        for (let i = 0; i < len; i++) t += alphabet[next(alphabet.length)];
        expect(maskLine(t), t).toBe(m(t));
        checked++;
      }
    }
    expect(maskLine('req=13ac06c37eb7dcb3 GET /api/v1/products/1810 from 189.17.106.176 in 33ms scope=read')).toBe(
      'req=<*> GET <*> from <*> in <*> scope=read',
    );
    expect(checked).toBe(28000);
  });

  it('masks the same way whatever the line holds after the token (searches stay in the token)', () => {
    expect(maskLine('ab/c')).toBe('ab/c');
    expect(maskLine('ab/c x://y')).toBe('ab/c <*>');
    expect(maskLine('ab@c')).toBe('ab@c');
    expect(maskLine('ab@c x@y.z')).toBe('ab@c <*>');
    expect(maskLine('tag=1 <*>')).toBe('tag=<*> <*>');
  });

  it('recognises tokens that are nothing but wildcards and punctuation', () => {
    expect(isVariableToken('<*>')).toBe(true);
    expect(isVariableToken('(<*>,')).toBe(true);
    expect(isVariableToken('<*>:<*>')).toBe(true);
    expect(isVariableToken('uid=<*>')).toBe(false);
    expect(isVariableToken('ssh<*>')).toBe(false);
    expect(isVariableToken('-')).toBe(false);
  });
});

describe('configured regex masks', () => {
  it('replace every match, in order, and hand back the same string when nothing matched', () => {
    const masks = compileMasks(['blk_-?\\d+', '(\\d+\\.){3}\\d+(:\\d+)?']);
    expect(applyMasks('block blk_-12 from 10.1.2.3:50010 and blk_7', masks)).toBe('block <*> from <*> and <*>');
    const s = 'nothing to see';
    expect(applyMasks(s, masks)).toBe(s);
  });
  it('a bad regex is a ConfigError naming it', () => {
    expect(() => compileMasks(['ok', '(unclosed'], 'detector.masks')).toThrow(ConfigError);
    expect(() => compileMasks(['ok', '(unclosed'], 'detector.masks')).toThrow(/detector\.masks\[1\].*\(unclosed/);
  });
});

describe('labelled numbers', () => {
  it.each([
    ['instruction......0', 'instruction......<*>'],
    ['node-246', 'node-<*>'],
    ['core.12', 'core.<*>'],
    ['overlapAmount:196.0,', 'overlapAmount:<*>,'],
    ['R02-M1-N0-C:J12-U11', '<*>'],
  ])('%s -> %s', (input, expected) => {
    expect(maskToken(input, 0, input.length)).toBe(expected);
  });
});
