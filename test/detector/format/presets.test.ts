/**
 * Each format on its fixture (test/fixtures/formats/, real output where the software runs here,
 * see its README): auto-detection names it, the share of lines matched, and a few lines' parsed
 * timestamp, level, stream and message.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLineParser, formatName, measureFormat, parseFormatFlag, sniffLines, type FormatChoice } from '../../../src/detector/format/index.js';
import { parseSettings } from '../../../src/config/settings.js';
import type { ParsedLine } from '../../../src/detector/miner/types.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/formats');
const YEAR = 2026;
const linesOf = (file: string) => readFileSync(resolve(DIR, file), 'utf8').split('\n').filter((l) => l.trim() !== '');

function sniff(file: string): FormatChoice & { lines: string[]; parse: (l: string) => ParsedLine | null } {
  const lines = linesOf(file);
  const choice = sniffLines(lines, YEAR);
  return { ...choice, lines, parse: createLineParser(choice.format, { defaultYear: YEAR }) };
}

const iso = (t: number | null | undefined) => (t === null || t === undefined ? t : new Date(t).toISOString());

interface Case {
  readonly file: string;
  readonly name: string;
  /** Lines of the file the format matches (continuation lines of a traceback included). */
  readonly matched?: number;
  /** Line index -> what it parses to. */
  readonly expect: Record<number, { ts?: string | null; level?: string; stream?: string; content: string }>;
}

const CASES: Case[] = [
  { file: 'postgresql.log', name: 'postgresql', expect: { 0: { ts: '2026-12-04T11:37:43.156Z', level: 'LOG', content: 'starting PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit' }, 7: { level: 'ERROR', content: 'relation "no_such_table" does not exist at character 15' } } },
  { file: 'mariadb.log', name: 'mysql', matched: 19, expect: { 1: { ts: '2026-12-04T11:38:11.000Z', level: 'Note', content: 'InnoDB: Compressed tables use zlib 1.2.13' } } },
  { file: 'redis.log', name: 'redis', expect: { 0: { ts: '2026-12-04T11:37:45.409Z', level: 'warning', content: 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo' }, 3: { level: 'notice', content: 'monotonic clock: POSIX clock_gettime' } } },
  { file: 'rabbitmq.log', name: 'rabbitmq', expect: { 0: { ts: '2026-12-04T11:37:57.715Z', level: 'notice', content: 'Logging: configured log handlers are now ACTIVE' } } },
  { file: 'nats-server.log', name: 'nats-server', expect: { 0: { ts: '2026-12-04T11:37:55.116Z', level: 'INF', content: 'Starting nats-server' } } },
  { file: 'mosquitto.log', name: 'mosquitto', expect: { 0: { ts: '2026-12-04T11:37:55.000Z', content: 'mosquitto version 2.0.11 starting' } } },
  { file: 'dpkg.log', name: 'dpkg', expect: { 0: { ts: '2025-06-24T14:36:25.000Z', content: 'startup archives unpack' } } },
  { file: 'alternatives.log', name: 'alternatives', expect: { 1: { ts: '2025-06-24T14:36:53.000Z', stream: 'update-alternatives', content: 'link group pager updated to point to /usr/bin/less' } } },
  { file: 'apt-history.log', name: 'apt-history', expect: { 0: { ts: '2025-06-24T14:36:25.000Z', stream: 'Start-Date', content: '2025-06-24  14:36:25' }, 1: { ts: null, stream: 'Commandline', content: 'apt-get -qqy upgrade' } } },
  { file: 'nginx-access.log', name: 'access-log', expect: { 2: { ts: '2026-12-04T12:00:00.000Z', level: 'warn', content: '"GET /missing HTTP/1.1" 404 153 "-" "curl/7.88.1"' }, 4: { level: 'error', content: '"GET /boom HTTP/1.1" 502 157 "-" "curl/7.88.1"' } } },
  { file: 'apache-access.log', name: 'access-log', expect: { 0: { level: 'info', content: '"GET / HTTP/1.1" 200 203 "-" "Mozilla/5.0 (X11; Linux x86_64) curl-test"' } } },
  { file: 'nginx-error.log', name: 'nginx-error', expect: { 0: { ts: '2026-12-04T11:59:59.000Z', level: 'notice', content: 'using the "epoll" event method' } } },
  { file: 'apache-error.log', name: 'apache-error', expect: { 4: { ts: '2026-12-04T12:00:25.284Z', level: 'error', stream: 'authz_core', content: '[client 127.0.0.1:35150] AH01630: client denied by server configuration: /tmp/formats-web/www/private/' } } },
  { file: 'syslog-rfc3164.log', name: 'syslog', expect: { 1: { ts: '2026-12-04T12:01:08.000Z', level: 'error', stream: 'backup-job', content: 'backup of /srv/www failed: disk quota exceeded' }, 6: { ts: '2026-12-04T12:01:08.000Z', level: undefined, stream: 'backup-job', content: 'backup of /srv/www failed: disk quota exceeded' } } },
  { file: 'syslog-rfc5424.log', name: 'syslog-rfc5424', expect: { 1: { ts: '2026-12-04T12:01:08.829Z', level: 'error', stream: 'backup-job', content: 'backup of /srv/www failed: disk quota exceeded' }, 5: { level: 'warning', stream: 'app', content: 'login failed for user alice' } } },
  { file: 'journald-short-iso.log', name: 'journald-short-iso', expect: { 0: { ts: '2026-12-04T11:37:41.000Z', stream: 'systemd', content: 'Starting postgresql@15-main.service - PostgreSQL Cluster 15-main...' }, 8: { stream: 'kernel', content: 'TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.' } } },
  { file: 'journald.json', name: 'journald-json', expect: { 3: { ts: '2026-12-04T11:50:31.000Z', level: 'error', stream: 'systemd', content: 'Failed to start backup.service - Nightly backup.' } } },
  { file: 'zap.json', name: 'json:msg', expect: { 2: { ts: '2026-12-04T11:37:43.500Z', level: 'warn', content: 'slow request' } } },
  { file: 'zerolog.json', name: 'json:message', expect: { 3: { ts: '2026-12-04T11:37:44.000Z', level: 'error', content: 'payment failed' } } },
  { file: 'logrus.json', name: 'json:msg', expect: { 1: { ts: '2026-12-04T11:37:42.000Z', level: 'warning', content: "The group's number increased tremendously!" } } },
  { file: 'logrus.logfmt', name: 'logfmt', expect: { 0: { ts: '2026-12-04T11:37:41.000Z', level: 'info', content: 'A group of walrus emerges from the ocean animal=walrus size=10' }, 5: { content: 'connection from "10.0.0.7" accepted conn=17' } } },
  { file: 'zap-console.log', name: 'zap-console', expect: { 3: { ts: '2026-12-04T11:37:44.750Z', level: 'ERROR', stream: 'store/pg.go:131', content: 'query failed\t{"error": "pq: relation \\"orders\\" does not exist"}' } } },
  { file: 'go-log.log', name: 'go-log', expect: { 1: { ts: '2026-12-04T11:37:42.000Z', content: 'GET /healthz 200 412µs' } } },
  { file: 'klog.log', name: 'klog', expect: { 3: { ts: '2026-12-04T11:37:43.500Z', level: 'warning', stream: 'reflector.go:539', content: 'failed to list *v1.Pod: connection refused' } } },
  { file: 'logback.log', name: 'log4j', expect: { 2: { ts: '2026-12-04T12:00:47.000Z', level: 'ERROR', stream: 'com.example.shop.OrderService', content: 'Failed to load order 4x2' } } },
  { file: 'log4j.log', name: 'log4j', expect: { 0: { ts: null, level: 'INFO', stream: 'com.example.shop.App', content: 'Starting shop on port 8080' } } },
  { file: 'spring-boot.log', name: 'spring-boot', expect: { 3: { ts: '2026-12-04T11:37:43.001Z', level: 'WARN', stream: 'o.s.web.servlet.PageNotFound', content: 'No mapping for GET /favicon.ico' } } },
  { file: 'python.log', name: 'python', expect: { 0: { ts: '2026-12-04T12:00:39.670Z', level: 'INFO', stream: 'billing.worker', content: 'processed invoice 1000 in 12 ms' } } },
  { file: 'python-basic.log', name: 'python-basic', expect: { 4: { ts: null, level: 'WARNING', stream: 'billing.worker', content: 'retrying payment provider call (attempt 2)' } } },
];

describe('formats on real samples', () => {
  for (const c of CASES) {
    it(`${c.file}: detected as ${c.name}`, () => {
      const s = sniff(c.file);
      expect(s.name).toBe(c.name);
      expect(s.sampled).toBe(s.lines.length);
      expect(s.matched).toBe(c.matched ?? s.lines.length);
      for (const [i, want] of Object.entries(c.expect)) {
        const p = s.parse(s.lines[Number(i)]);
        expect(p, `line ${i}`).not.toBeNull();
        if ('ts' in want) expect(iso(p!.timestamp), `line ${i} timestamp`).toBe(want.ts);
        if ('level' in want) expect(p!.level, `line ${i} level`).toBe(want.level);
        if ('stream' in want) expect(p!.stream, `line ${i} stream`).toBe(want.stream);
        expect(p!.content, `line ${i} message`).toBe(want.content);
      }
    });
  }

  it('a format given for the wrong log matches few or no lines', () => {
    expect(measureFormat({ type: 'preset', name: 'redis' }, linesOf('postgresql.log')).matched).toBe(0);
    const nginxOnApacheErrors = measureFormat({ type: 'preset', name: 'nginx-error' }, linesOf('apache-error.log'));
    expect(nginxOnApacheErrors.matched).toBe(0);
    expect(nginxOnApacheErrors.misses).toHaveLength(3);
  });

  it('text nothing describes is read raw', () => {
    const s = sniffLines(['hello there', 'some free text', 'no header at all', '  indented'], YEAR);
    expect(s.name).toBe('raw');
    expect(s.format).toEqual({ type: 'raw' });
  });
});

describe('fast path for the generic ISO shapes', () => {
  it('a plain `date time LEVEL message` log gets the loghub pattern the splitter reads', () => {
    const lines = ['2026-11-26 09:00:01.123 INFO api: started', '2026-11-26 09:00:02.000 WARN api: slow call 300 ms', '2026-11-26 09:00:03.500 ERROR db: timeout'];
    const s = sniffLines(lines, YEAR);
    expect(s.format).toEqual({ type: 'loghub', pattern: '<Date> <Time> <Level> <Content>' });
    expect(createLineParser(s.format)(lines[1])).toMatchObject({ level: 'WARN', content: 'api: slow call 300 ms', timestamp: Date.UTC(2026, 10, 26, 9, 0, 2) });
  });

  it('but not when the loghub pattern would parse a continuation line the preset leaves to the multi-line stage', () => {
    const lines = ['2026-11-26 09:00:01.123 ERROR app: failed', '    at com.example.Foo.bar(Foo.java:10) ~[app.jar:1.0]', 'Caused by: java.io.IOException: disk is full', '2026-11-26 09:00:02.000 INFO app: recovered'];
    expect(sniffLines(lines, YEAR).name).toBe('iso-level');
  });
});

describe('naming a format', () => {
  it('--format takes auto, a preset name, logfmt and journald-json; an unknown name lists the known ones', () => {
    expect(parseFormatFlag('auto')).toEqual({ type: 'auto' });
    expect(parseFormatFlag('postgresql')).toEqual({ type: 'preset', name: 'postgresql' });
    expect(parseFormatFlag('logfmt')).toEqual({ type: 'logfmt' });
    expect(formatName(parseFormatFlag('journald-json'))).toBe('journald-json');
    expect(() => parseFormatFlag('postgres')).toThrow(/one of syslog-rfc5424, syslog, .*postgresql/);
  });

  it('settings take `format: { type: preset, name }` and reject an unknown name with the choices', () => {
    const base = 'source: { type: file, paths: [a.log] }\ndetectionConfig: { location: c.yaml }\n';
    expect(parseSettings(base + 'format: { type: preset, name: rabbitmq }\n', '/x/settings.yaml').format).toEqual({ type: 'preset', name: 'rabbitmq' });
    expect(parseSettings(base, '/x/settings.yaml').format).toEqual({ type: 'auto' });
    expect(() => parseSettings(base + 'format: { type: preset, name: rabbit }\n', '/x/settings.yaml')).toThrow(/expected one of .*rabbitmq/);
  });
});
