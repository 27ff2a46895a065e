import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileLoghubPattern, createLineParser, parseFormatFlag, parseTimestamp } from '../../src/detector/format/index.js';
import { createLayoutParser } from '../../src/detector/format/layout.js';
import { ISO_HEAD_END, parseIsoDateTimeRange, readIsoLineHead } from '../../src/detector/format/timestamp.js';
import { parseCsv } from '../../src/detector/eval/csv.js';
import { UsageError, ConfigError } from '../../src/errors.js';
import { sharedData } from '../helpers/shared-data.js';

interface LoghubSettings {
  datasets: Record<string, { log_file: string; log_format: string; headers: string[]; n_lines?: number }>;
}
const readSettings = (dir: string): LoghubSettings => JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as LoghubSettings;

/** Every line of each system parses, with Content equal to the ground truth and a timestamp. */
function checkEveryLine(dir: string, settings: LoghubSettings, expectedLines: (name: string) => number): void {
  for (const [name, s] of Object.entries(settings.datasets)) {
    it(`${name}: every line parses and Content equals the ground truth`, () => {
      const parse = createLineParser({ type: 'loghub', pattern: s.log_format }, { defaultYear: 2020 });
      const lines = readFileSync(join(dir, s.log_file), 'utf8').split('\n').filter((l) => l.trim() !== '');
      const rows = parseCsv(readFileSync(join(dir, `${s.log_file}_structured.csv`), 'utf8')).slice(1);
      const contentCol = rows.length > 0 ? 1 + s.headers.indexOf('Content') : -1;
      expect(lines).toHaveLength(expectedLines(name));
      lines.forEach((line, i) => {
        const p = parse(line);
        expect(p, `line ${i + 1}`).not.toBeNull();
        expect(p!.content).toBe(rows[i][contentCol]);
        expect(p!.timestamp, `timestamp of line ${i + 1}`).toEqual(expect.any(Number));
      });
    });
  }
}

const loghub = sharedData('Loghub-2k format strings', 'loghub-2k', ['settings.json']);
describe.skipIf(!loghub.present)('loghub format strings on Loghub-2k', () => {
  checkEveryLine(loghub.dir, loghub.present ? readSettings(loghub.dir) : { datasets: {} }, () => 2000);
});

const MINI = join(import.meta.dirname, '..', 'fixtures', 'loghub-mini');
describe('loghub format strings on the fixture in Loghub layout', () => {
  const settings = readSettings(MINI);
  checkEveryLine(MINI, settings, (name) => settings.datasets[name].n_lines!);
});

describe('loghub format strings', () => {
  it('keeps the other header fields and finds level and timestamp', () => {
    const parse = createLineParser({ type: 'loghub', pattern: '<Date> <Time> <Pid> <Level> <Component>: <Content>' });
    const p = parse('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating\r')!;
    expect(p.content).toBe('PacketResponder 1 for block blk_38865049064139660 terminating');
    expect(p.level).toBe('INFO');
    expect(p.headers).toMatchObject({ Pid: '148', Component: 'dfs.DataNode$PacketResponder' });
    expect(new Date(p.timestamp!).toISOString()).toBe('2008-11-09T20:36:15.000Z');
  });

  it('splits at every char the pattern regex calls whitespace (NBSP, Unicode spaces), as the regex does', () => {
    const parse = createLineParser({ type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>' });
    for (const sp of ['\u00a0', '\u2003', '\u3000', ' \u00a0 ']) {
      const p = parse(`2026-11-26${sp}08:00:00 INFO x y:${sp}b`)!;
      expect(p.timestamp).toBe(Date.UTC(2026, 10, 26, 8, 0, 0));
      expect([p.level, p.content, p.headers!.Component]).toEqual(['INFO', 'b', 'x y']);
    }
    // the line is trimmed as the benchmark trims it, Unicode spaces included
    expect(parse('\u00a02026-11-26 08:00:00 INFO api: ok\u00a0')!.content).toBe('ok');
    // where the message lies in the line, when the line needed no trimming
    const line = '2026-11-26 08:00:00 INFO api: all good';
    expect(parse(line)!.contentStart).toBe(line.indexOf('all good'));
    expect(parse(' ' + line)!.contentStart).toBe(-1);
  });

  it('returns null for lines that do not match, never throws', () => {
    const parse = createLineParser({ type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>' });
    expect(parse('')).toBeNull();
    expect(parse('no colon here')).toBeNull();
    expect(parse('\u0000\u0001\u00ff\ufffd\ufffd binary')).toBeNull();
    const big = `2024-01-01 00:00:00 INFO x: ${'a'.repeat(1024 * 1024)}`;
    expect(parse(big)!.content).toHaveLength(1024 * 1024);
  });

  it('parses exactly the lines the pattern regex matches, whichever path decides (splitter, its literal-char check, the regex)', () => {
    // seeded pieces around the separators' chars, so some lines lack `-`, `[` or `:` and some have them in odd places
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const pieces = ['2026-11-26', '08:00:00,123', 'INFO', '[main]', 'a.B', '-', ' - ', ':', '[x]', ']', '[', '\t', 'at', 'x-y', '  '];
    // where the splitter gives up but the regex matches (its `\\s+` backtracks: two spaces, then ` - `), and where neither does
    const short = createLineParser({ type: 'loghub', pattern: '<A> <B> - <Content>' });
    expect(short('a  - x')).toMatchObject({ content: 'x' });
    expect(short('a b - x')).toMatchObject({ content: 'x' });
    expect(short('a b c')).toBeNull();
    for (const pattern of ['<A> <B> - <Content>', '<Date> <Time> <Level> <Thread> <Component> - <Content>', '\\[<Time>\\] <Level> <Component>: <Content>', '<Level> <Component>: <Content>']) {
      const parse = createLineParser({ type: 'loghub', pattern });
      const { regex } = compileLoghubPattern(pattern);
      for (let k = 0; k < 3000; k++) {
        let line = '';
        for (let n = 1 + rnd(8); n > 0; n--) line += pieces[rnd(pieces.length)] + (rnd(3) === 0 ? '' : ' ');
        expect(parse(line) === null, `${pattern} on ${JSON.stringify(line)}`).toBe(regex.exec(line.trim()) === null);
      }
    }
  });

  it('honours configured timestamp fields and layout, and null when the text is no time', () => {
    const parse = createLineParser({ type: 'loghub', pattern: '<D> <Level> <Content>', timestampFields: ['D'], timestampLayout: 'yyyyMMdd-HHmmss' });
    expect(parse('20240203-040506 WARN disk low')!.timestamp).toBe(Date.UTC(2024, 1, 3, 4, 5, 6));
    expect(parse('garbage WARN disk low')!.timestamp).toBeNull();
  });

  it('rejects a pattern without <Content> or with a repeated field', () => {
    expect(() => createLineParser({ type: 'loghub', pattern: '<Date> <Time>' })).toThrow(ConfigError);
    expect(() => createLineParser({ type: 'loghub', pattern: '<A> <A> <Content>' })).toThrow(/repeats/);
  });
});

describe('timestamps', () => {
  const cases: [string, string][] = [
    ['2015-10-18 18:01:47,978', '2015-10-18T18:01:47.978Z'],
    ['2017-05-16T00:00:00.008Z', '2017-05-16T00:00:00.008Z'],
    ['2017-05-16T02:00:00+02:00', '2017-05-16T00:00:00.000Z'],
    ['081109 203615', '2008-11-09T20:36:15.000Z'],
    ['17/06/09 20:10:40', '2017-06-09T20:10:40.000Z'],
    ['20171223-22:15:29:606', '2017-12-23T22:15:29.606Z'],
    ['Sun Dec 04 04:47:44 2005', '2005-12-04T04:47:44.000Z'],
    ['Jun 14 15:16:01', '2020-06-14T15:16:01.000Z'],
    ['03-17 16:13:38.811', '2020-03-17T16:13:38.811Z'],
    ['1117838570', '2005-06-03T22:42:50.000Z'],
    ['1117838570123', '2005-06-03T22:42:50.123Z'],
    ['2005-06-03-15.42.50.675872', '2005-06-03T15:42:50.675Z'],
  ];
  for (const [text, iso] of cases) {
    it(text, () => expect(new Date(parseTimestamp(text, 2020)!).toISOString()).toBe(iso));
  }
  it('null for non-times', () => {
    for (const t of ['', 'hello', '99/99/99 99:99:99', 'x'.repeat(100)]) expect(parseTimestamp(t)).toBeNull();
  });
  it('explicit layouts', () => {
    expect(createLayoutParser('MMM d HH:mm:ss', 2021)('Jul  1 09:00:55')).toBe(Date.UTC(2021, 6, 1, 9, 0, 55));
    expect(createLayoutParser('yyyy-MM-dd HH:mm:ss,SSS')('2015-10-18 18:01:47,978')).toBe(Date.UTC(2015, 9, 18, 18, 1, 47, 978));
    expect(createLayoutParser('yyyy-MM-dd')('2015/10/18')).toBeNull();
  });
});

describe('ISO timestamp fast paths', () => {
  // texts in the order a log gives them: the second, minute, hour, day, month and year roll over,
  // and the fraction changes length; each must equal the general scanner's reading
  const rolling = [
    '2026-12-31 23:59:58.999', '2026-12-31 23:59:59.5', '2026-12-31 23:59:59,25', '2027-01-01 00:00:00.000',
    '2027-01-01 00:00:00.000000001', '2027-01-01 00:01:00', '2027-01-01 01:00:00.100', '2027-01-02 01:00:00.100',
    '2027-02-01 01:00:00.100', '2027-02-01T01:00:00.1Z', '2027-02-01T01:00:00Z', '2028-02-29 12:00:00.123456789',
  ];

  it('read a range exactly as parseTimestamp reads the same text, across rollovers', () => {
    for (const t of rolling) {
      const line = `  ${t} INFO x: y`;
      expect(parseIsoDateTimeRange(line, 2, 2 + t.length), t).toBe(parseTimestamp(t));
    }
    expect(parseIsoDateTimeRange('2027-01-01 00:00:00.5', 0, 21)).toBe(Date.UTC(2027, 0, 1, 0, 0, 0, 500));
  });

  it('give invalid dates the same null as the scanner, and leave other shapes to it', () => {
    for (const t of ['2026-13-01 00:00:00', '2026-00-10 10:00:00', '2026-01-32 00:00:00', '2026-01-01 25:00:00', '2026-01-01 00:60:00']) {
      expect(parseIsoDateTimeRange(t, 0, t.length), t).toBeNull();
      expect(parseTimestamp(t), t).toBeNull();
    }
    for (const t of ['2026-01-01 00:00:00.1234567890', '2026-01-01 00:00:00+05:30', '2026-01-01 00:00', '2026-01-01  00:00:00', '2026-01-01 00:00:00.', '2026/01/01 00:00:00', '2026-01-01 00:00:00 am']) {
      expect(parseIsoDateTimeRange(t, 0, t.length), t).toBeUndefined();
    }
  });

  it('find the head of a line only when whitespace follows it', () => {
    const line = '2026-11-26 08:00:00.097 INFO api-gateway: req=1';
    expect(readIsoLineHead(line)).toBe(Date.UTC(2026, 10, 26, 8, 0, 0, 97));
    expect(ISO_HEAD_END[0]).toBe(23);
    readIsoLineHead('2026-11-26 08:00:00.097Z\tINFO x: y');
    expect(ISO_HEAD_END[0]).toBe(24);
    for (const l of ['2026-11-26T08:00:00.097 INFO x: y', '2026-11-26 08:00:00.097', '2026-11-26 08:00:00.097+01:00 INFO x: y', '2026-11-26 08:00:00.097\u00a0INFO x: y']) {
      readIsoLineHead(l);
      expect(ISO_HEAD_END[0], l).toBe(-1);
    }
  });

  it('loghub lines keep their fields and times whether or not the fast path reads them', () => {
    const parse = createLineParser({ type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>' });
    for (const t of rolling.filter((x) => !x.includes('T'))) {
      const p = parse(`${t} WARN auth: token ok`)!;
      expect([p.content, p.level, p.timestamp]).toEqual(['token ok', 'WARN', parseTimestamp(t)]);
      expect(p.headers).toEqual({ Date: t.slice(0, 10), Time: t.slice(11), Level: 'WARN', Component: 'auth' });
    }
    // a tab or two spaces after the date, a T, an offset: the general path, same fields
    expect(parse('2026-11-26\t08:00:01.5 INFO a: b')).toMatchObject({ content: 'b', timestamp: Date.UTC(2026, 10, 26, 8, 0, 1, 500) });
    expect(parse('2026-11-26  08:00:01 INFO a: b')).toMatchObject({ content: 'b', timestamp: Date.UTC(2026, 10, 26, 8, 0, 1) });
    expect(parse('2026-11-26T08:00:01Z 08:00 INFO a: b')!.headers).toMatchObject({ Date: '2026-11-26T08:00:01Z', Time: '08:00' });
    expect(parse('2026-11-26 08:00:01+02:00 INFO a: b')!.timestamp).toBe(Date.UTC(2026, 10, 26, 6, 0, 1));
    // the head fits but the rest does not: the regex decides, as before
    expect(parse('2026-11-26 08:00:01.5 INFO no colon')).toBeNull();
    expect(parse('2026-11-26 08:00:01.5 INFO a:b: c')).toMatchObject({ content: 'c', level: 'INFO' });
  });
});

describe('JSON and CloudWatch lines', () => {
  it('json with configured fields, numbers as seconds or ms, nested paths', () => {
    const parse = createLineParser({ type: 'json', messageField: 'msg', timestampField: 'ts', levelField: 'log.level', streamField: 'svc' });
    const p = parse('{"ts":1700000000,"msg":"user 42 logged in","log":{"level":"info"},"svc":"auth","extra":{"a":1}}')!;
    expect(p).toMatchObject({ content: 'user 42 logged in', timestamp: 1_700_000_000_000, level: 'info', stream: 'auth' });
    expect(p.headers).toMatchObject({ extra: '{"a":1}' });
    // as JSON (a joiner checkpoint holds the open event's parsed line): the plain shape, headers included
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      content: 'user 42 logged in',
      timestamp: 1_700_000_000_000,
      level: 'info',
      stream: 'auth',
      headers: { ts: '1700000000', log: '{"level":"info"}', svc: 'auth', extra: '{"a":1}' },
    });
    expect(parse('{"ts":"2024-01-02T03:04:05Z","msg":"x"}')!.timestamp).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });
  it('json: junk, arrays, missing message and missing timestamp', () => {
    const parse = createLineParser({ type: 'json', messageField: 'message' });
    expect(parse('not json')).toBeNull();
    expect(parse('{"message": "unterminated')).toBeNull();
    expect(parse('[1,2]')).toBeNull();
    expect(parse('{"other":1}')).toBeNull();
    expect(parse('{"message":"hi"}')).toMatchObject({ content: 'hi', timestamp: null });
  });
  it('cloudwatch events, with a JSON message inside', () => {
    const parse = createLineParser({ type: 'cloudwatch' });
    const plain = parse('{"timestamp":1700000000123,"message":"START RequestId: abc","logStreamName":"2024/01/01/[$LATEST]x"}')!;
    expect(plain).toMatchObject({ content: 'START RequestId: abc', timestamp: 1700000000123, stream: '2024/01/01/[$LATEST]x' });
    const inner = parse(JSON.stringify({ timestamp: 1700000000000, message: JSON.stringify({ level: 'ERROR', msg: 'db timeout after 30s', requestId: 'r1' }) }))!;
    expect(inner).toMatchObject({ content: 'db timeout after 30s', level: 'ERROR', timestamp: 1700000000000 });
    expect(inner.headers).toMatchObject({ requestId: 'r1' });
  });
  it('raw: the whole line, no timestamp; blank lines do not parse', () => {
    const parse = createLineParser({ type: 'raw' });
    expect(parse('  hello world \r')).toEqual({ content: 'hello world', timestamp: null, contentStart: -1 });
    // an untrimmed line is its own message: the miner may read it in place
    expect(parse('hello world')).toEqual({ content: 'hello world', timestamp: null, contentStart: 0 });
    expect(parse('   ')).toBeNull();
  });
});

describe('--format flag', () => {
  it('parses the forms', () => {
    expect(parseFormatFlag('raw')).toEqual({ type: 'raw' });
    expect(parseFormatFlag('cloudwatch')).toEqual({ type: 'cloudwatch' });
    expect(parseFormatFlag('json')).toMatchObject({ type: 'json', messageField: 'message' });
    expect(parseFormatFlag('json:msg,ts=time,level=lvl,stream=svc')).toEqual({ type: 'json', messageField: 'msg', timestampField: 'time', levelField: 'lvl', streamField: 'svc' });
    expect(parseFormatFlag('<Date> <Time> <Content>')).toEqual({ type: 'loghub', pattern: '<Date> <Time> <Content>' });
  });
  it('rejects what it cannot use, naming the problem', () => {
    expect(() => parseFormatFlag('json:msg,colour=red')).toThrow(UsageError);
    expect(() => parseFormatFlag('<Date> <Time>')).toThrow(/<Content>/);
    expect(() => parseFormatFlag('json:,ts=')).toThrow(UsageError);
  });
});
