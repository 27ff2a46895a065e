/**
 * Multi-line events: a traceback joins the event that starts it (its first line is what is mined,
 * the joined text is the sample), bounded per event, and logs without continuations pass as they are.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEventJoiner, createLineParser, newFormatStats, type JoinedEvent } from '../../../src/detector/format/index.js';
import type { LogFormat } from '../../../src/config/settings-types.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/formats');
const linesOf = (file: string) => readFileSync(resolve(DIR, file), 'utf8').split('\n').filter((l) => l.trim() !== '');

function join(format: LogFormat, lines: readonly string[], limits: { maxLines?: number; maxChars?: number } = {}) {
  const events: JoinedEvent[] = [];
  const stats = newFormatStats();
  const joiner = createEventJoiner(createLineParser(format, { defaultYear: 2026 }), { rawFormat: format.type === 'raw', ...limits }, stats, (first, parsed, text, lineNo, lines) => events.push({ first, parsed, text, lineNo, lines }));
  lines.forEach((l, i) => joiner.push(l, i + 1));
  joiner.end();
  return { events, stats };
}

describe('multi-line events', () => {
  it('a Java stack trace (with Caused by and "... N more") joins the log4j/logback line that reports it', () => {
    const lines = linesOf('logback.log');
    const { events, stats } = join({ type: 'preset', name: 'log4j' }, lines);
    expect(events.map((e) => e.parsed?.content)).toEqual([
      'Started OrderService in 1.234 seconds',
      'loading order 42',
      'Failed to load order 4x2',
      'stock for sku 991 is low: 3 left',
      'Shutting down',
    ]);
    const err = events[2];
    expect(err.lines).toBe(16);
    expect(err.lineNo).toBe(3);
    expect(err.text.split('\n')[1]).toBe('java.lang.IllegalStateException: order 4x2 is corrupt');
    expect(err.text).toContain('\nCaused by: java.lang.NumberFormatException: For input string: "4x2"\n');
    expect(err.text.endsWith('\t... 9 more')).toBe(true);
    expect(stats).toMatchObject({ lines: 20, matched: 20, joined: 15, misses: [] });
  });

  it('Python tracebacks join the logging line; the exception line closes them', () => {
    const { events, stats } = join({ type: 'preset', name: 'python' }, linesOf('python.log'));
    expect(events).toHaveLength(8);
    const keyError = events.find((e) => e.parsed?.content === 'failed to process invoice 1003')!;
    expect(keyError.text.split('\n').slice(1)).toEqual([
      'Traceback (most recent call last):',
      '  File "/tmp/formats-web/py_logs.py", line 13, in <module>',
      "    {}['customer_id']",
      '    ~~^^^^^^^^^^^^^^^',
      "KeyError: 'customer_id'",
    ]);
    expect(events.find((e) => e.parsed?.content === 'bad amount')!.text.endsWith("ValueError: invalid literal for int() with base 10: '12x'")).toBe(true);
    expect(stats.matched).toBe(stats.lines);
  });

  it('a Go panic under Go log lines is an event of its own with its goroutine dump, timed by the line before it', () => {
    const { events, stats } = join({ type: 'preset', name: 'go-log' }, linesOf('go-log.log'));
    const panic = events[events.length - 1];
    expect(panic.parsed).toMatchObject({ content: 'panic: runtime error: index out of range [5] with length 3', level: 'panic', timestamp: Date.UTC(2026, 11, 4, 11, 37, 46) });
    expect(panic.text.split('\n')).toEqual([
      'panic: runtime error: index out of range [5] with length 3',
      'goroutine 1 [running]:',
      'main.lookup(...)',
      '\t/src/app/main.go:31',
      'main.main()',
      '\t/src/app/main.go:52 +0x1d',
    ]);
    expect(events[events.length - 2].lines).toBe(1);
    expect(stats.matched).toBe(stats.lines);
  });

  it('raw logs join only what looks like a continuation: Java, Python and Go traces', () => {
    const lines = [
      'starting up',
      'Exception in thread "main" java.lang.IllegalStateException: boom',
      '\tat Main.main(Main.java:5)',
      'Caused by: java.io.IOException: disk full',
      '\t... 1 more',
      'Traceback (most recent call last):',
      '  File "app.py", line 3, in <module>',
      'ZeroDivisionError: division by zero',
      'next ordinary line',
      'panic: boom',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/src/main.go:8 +0x1d',
      'exit status 2',
    ];
    const { events } = join({ type: 'raw' }, lines);
    expect(events.map((e) => e.first)).toEqual(['starting up', 'Exception in thread "main" java.lang.IllegalStateException: boom', 'next ordinary line', 'panic: boom', 'exit status 2']);
    // the Python traceback has no line of its own before it in a raw log: it joins the Java event
    expect(events[1].lines).toBe(7);
    expect(events[3].lines).toBe(4);
  });

  it('an event takes at most maxLines lines and maxChars characters; the rest start events of their own', () => {
    const lines = ['2026-12-04 10:00:00,000 - app - ERROR - boom', ...Array.from({ length: 10 }, (_, i) => `\tat frame${i}`)];
    const byLines = join({ type: 'preset', name: 'python' }, lines, { maxLines: 4 });
    expect(byLines.events[0].lines).toBe(4);
    expect(byLines.events.length).toBeGreaterThan(1);
    expect(byLines.events.reduce((n, e) => n + e.lines, 0)).toBe(11);
    const byChars = join({ type: 'preset', name: 'python' }, lines, { maxChars: 80 });
    expect(byChars.events[0].text.length).toBeLessThan(80);
  });

  it('lines a wrong format does not fit are not glued together: each is an event of its own', () => {
    const { events, stats } = join({ type: 'preset', name: 'redis' }, linesOf('postgresql.log'));
    expect(events).toHaveLength(linesOf('postgresql.log').length);
    expect(events.every((e) => e.parsed === null && e.lines === 1)).toBe(true);
    expect(stats.matched).toBe(0);
  });

  it('a log without continuations passes line for line', () => {
    const lines = linesOf('rabbitmq.log');
    const { events, stats } = join({ type: 'preset', name: 'rabbitmq' }, lines);
    expect(events.map((e) => e.text)).toEqual(lines);
    expect(stats.joined).toBe(0);
  });
});
