/**
 * Named formats for the logs people actually have: each is a strict anchored regex over the whole
 * line whose groups are the timestamp, level, stream and message. Strict on purpose: auto-detection
 * (sniff.ts) picks the preset that matches most of a file's first lines, so a loose pattern would
 * win on logs it does not describe. Sources of each layout: test/fixtures/formats/README.md.
 */

export interface Preset {
  readonly name: string;
  /** What it reads, for `--format help` style listings and docs. */
  readonly describe: string;
  readonly regex: RegExp;
  /** Group numbers in `regex` (0: absent). */
  readonly ts: number;
  readonly level: number;
  readonly stream: number;
  readonly msg: number;
  /** Level text as written -> the level we report (redis `#`, klog `E`, syslog PRI...). */
  readonly levelOf?: (text: string, m: RegExpExecArray) => string | undefined;
  /** Timestamp text -> text parseTimestamp reads (klog has no year; add it). */
  readonly tsText?: (text: string, year: number) => string;
}

const ISO = String.raw`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?`;
const JAVA_LEVEL = 'TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE';

/** syslog PRI (`<134>`): facility*8 + severity; the severity is the level. */
const SYSLOG_SEVERITY = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
const severityOfPri = (pri: string | undefined): string | undefined => (pri ? SYSLOG_SEVERITY[Number(pri) % 8] : undefined);

const REDIS_LEVEL: Readonly<Record<string, string>> = { '.': 'debug', '-': 'verbose', '*': 'notice', '#': 'warning' };
const KLOG_LEVEL: Readonly<Record<string, string>> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };

function preset(
  name: string,
  describe: string,
  src: string,
  groups: { ts?: number; level?: number; stream?: number; msg: number },
  extra: Pick<Preset, 'levelOf' | 'tsText'> = {},
): Preset {
  return { name, describe, regex: new RegExp(`^${src}$`, 's'), ts: groups.ts ?? 0, level: groups.level ?? 0, stream: groups.stream ?? 0, msg: groups.msg, ...extra };
}

/**
 * In order of preference: when two presets match the same share of lines, the earlier (more
 * specific) one wins, so `nginx-error` beats `go-log` and `dpkg` beats `iso-plain`.
 */
export const PRESETS: readonly Preset[] = [
  preset('syslog-rfc5424', 'syslog RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG', String.raw`<(\d{1,3})>1 (\S+) \S+ (\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?`, { ts: 2, level: 1, stream: 3, msg: 4 }, { levelOf: (t) => severityOfPri(t) }),
  preset('syslog', 'syslog RFC 3164 / BSD: [<PRI>]Mmm dd HH:mm:ss HOST TAG[PID]: MSG', String.raw`(?:<(\d{1,3})>)?([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ ([^\s:\[]+)(?:\[\d+\])?(?: \([^)]*\))?: (.*)`, { ts: 2, level: 1, stream: 3, msg: 4 }, { levelOf: (t) => severityOfPri(t) }),
  preset('journald-short-iso', 'journalctl -o short-iso: ISO-TIMESTAMP HOST UNIT[PID]: MSG', String.raw`(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)) \S+ ([^\s:\[]+)(?:\[\d+\])?: (.*)`, { ts: 1, stream: 2, msg: 3 }),
  preset('access-log', 'nginx / Apache access log (common and combined): HOST - USER [dd/Mmm/yyyy:HH:mm:ss +zzzz] "REQUEST" STATUS BYTES ...', String.raw`\S+ \S+ (?:\S+|"[^"]*") \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] ("(?:[^"\\]|\\.)*" (\d{3}) .*)`, { ts: 1, level: 3, msg: 2 }, { levelOf: (s) => (s[0] === '5' ? 'error' : s[0] === '4' ? 'warn' : 'info') }),
  preset('nginx-error', 'nginx error log: yyyy/MM/dd HH:mm:ss [level] PID#TID: MSG', String.raw`(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(\w+)\] \d+#\d+: (.*)`, { ts: 1, level: 2, msg: 3 }),
  preset('apache-error', 'Apache error log: [Www Mmm dd HH:mm:ss.ffffff yyyy] [module:level] [pid N] MSG', String.raw`\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] \[(?:([\w-]+):)?(\w+)\] (?:\[pid \d+(?::tid \d+)?\] )?(.*)`, { ts: 1, stream: 2, level: 3, msg: 4 }),
  preset('postgresql', 'PostgreSQL (log_line_prefix %m [%p]): yyyy-MM-dd HH:mm:ss.SSS ZONE [PID] LEVEL:  MSG', String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [A-Za-z0-9+:-]{1,6}) \[\d+\](?: [^:]*?)? ([A-Z]+\d?):  (.*)`, { ts: 1, level: 2, msg: 3 }),
  preset('mysql', 'MySQL 8 / MariaDB error log: TIMESTAMP THREAD [Level] [MY-code] [Subsystem] MSG', String.raw`(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?)\s+\d+ \[([A-Za-z]+)\] (?:\[MY-\d+\] \[(\w+)\] )?(.*)`, { ts: 1, level: 2, stream: 3, msg: 4 }),
  preset('redis', 'Redis: PID:ROLE dd Mmm yyyy HH:mm:ss.SSS LEVEL MSG', String.raw`\d+:[XCSM] (\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3}) ([.\-*#]) (.*)`, { ts: 1, level: 2, msg: 3 }, { levelOf: (t) => REDIS_LEVEL[t] }),
  preset('rabbitmq', 'RabbitMQ 3.9+: yyyy-MM-dd HH:mm:ss.ffffff+zz:zz [level] <PID> MSG', String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+(?:Z|[+-]\d\d:\d\d)?) \[([a-z]+)\] <([\d.]+)> (.*)`, { ts: 1, level: 2, msg: 4 }),
  preset('nats-server', 'nats-server: [PID] yyyy/MM/dd HH:mm:ss.ffffff [LVL] MSG', String.raw`\[\d+\] (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d+) \[([A-Z]{3})\] (.*)`, { ts: 1, level: 2, msg: 3 }),
  preset('mosquitto', 'Mosquitto: EPOCH-SECONDS: MSG', String.raw`(\d{10}): (.*)`, { ts: 1, msg: 2 }),
  preset('alternatives', "update-alternatives' alternatives.log: update-alternatives yyyy-MM-dd HH:mm:ss: MSG", String.raw`(update-alternatives) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d): (.*)`, { stream: 1, ts: 2, msg: 3 }),
  preset('dpkg', 'dpkg.log: yyyy-MM-dd HH:mm:ss ACTION ...', String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ((?:startup|status|install|upgrade|configure|trigproc|remove|purge|conffile) .*)`, { ts: 1, msg: 2 }),
  preset('apt-history', 'apt history.log: Start-Date:/Commandline:/Install:/End-Date: stanzas', String.raw`(Start-Date|End-Date|Commandline|Requested-By|Install|Upgrade|Remove|Purge|Reinstall|Downgrade|Error): ((\d{4}-\d\d-\d\d  ?\d\d:\d\d:\d\d)?.*)`, { stream: 1, msg: 2, ts: 3 }),
  preset('klog', 'klog (Kubernetes): Lmmdd HH:mm:ss.uuuuuu PID file:line] MSG', String.raw`([IWEF])(\d{4} \d\d:\d\d:\d\d\.\d{6})\s+\d+ ([^\s\]]+)\] (.*)`, { level: 1, ts: 2, stream: 3, msg: 4 }, {
    levelOf: (t) => KLOG_LEVEL[t],
    tsText: (t, year) => `${year}-${t.slice(0, 2)}-${t.slice(2, 4)} ${t.slice(5)}`,
  }),
  preset('spring-boot', 'Spring Boot (logback): TIMESTAMP  LEVEL PID --- [thread] logger : MSG', String.raw`(${ISO})\s+(${JAVA_LEVEL})\s+\d+ --- (?:\[[^\]]*\] )?\[\s*[^\]]*\]\s+(\S+)\s+: (.*)`, { ts: 1, level: 2, stream: 3, msg: 4 }),
  preset('log4j', 'log4j / logback patterns: [date] time [thread] LEVEL logger - MSG (either order of [thread] and LEVEL)', String.raw`((?:\d{4}-\d\d-\d\d[ T])?\d\d:\d\d:\d\d[.,]\d{3}(?:Z|[+-]\d\d:?\d\d)?)\s+(?:\[[^\]]*\]\s+)?(${JAVA_LEVEL})\s+(?:\[[^\]]*\]\s+)?([\w.$]+(?:\.[\w$]+)*)(?::\d+)?\s+-\s(.*)`, { ts: 1, level: 2, stream: 3, msg: 4 }),
  preset('python', 'Python logging: "%(asctime)s - %(name)s - %(levelname)s - %(message)s" (the cookbook layout)', String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) - (\S+) - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - (.*)`, { ts: 1, stream: 2, level: 3, msg: 4 }),
  preset('python-basic', 'Python logging.basicConfig default: LEVEL:logger:MSG', String.raw`(DEBUG|INFO|WARNING|ERROR|CRITICAL):([^:\s]+):(.*)`, { level: 1, stream: 2, msg: 3 }),
  preset('zap-console', 'Go zap development console: TIMESTAMP<TAB>LEVEL<TAB>caller<TAB>MSG', String.raw`(${ISO})\t([A-Z]+)\t(?:([^\t]+\.go:\d+)\t)?(.*)`, { ts: 1, level: 2, stream: 3, msg: 4 }),
  preset('logrus-text', 'Go logrus text on a terminal: LEVL[0000] MSG', String.raw`(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[[^\]]+\] (.*)`, { level: 1, msg: 2 }),
  preset('zerolog-console', 'Go zerolog ConsoleWriter: 3:04PM LVL MSG', String.raw`\d{1,2}:\d\d[AP]M (TRC|DBG|INF|WRN|ERR|FTL|PNC) (.*)`, { level: 1, msg: 2 }),
  preset('go-log', 'Go standard log (LstdFlags): yyyy/MM/dd HH:mm:ss[.ffffff] [file.go:N: ]MSG', String.raw`(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (?:(\S+\.go:\d+): )?(.*)`, { ts: 1, stream: 2, msg: 3 }),
  preset('iso-level', 'any ISO timestamp then a level word: TIMESTAMP [- ][LEVEL] MSG', String.raw`(${ISO})\s+(?:-\s+)?\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|trace|debug|info|notice|warn|warning|error|fatal|critical)\]?:?\s+(.*)`, { ts: 1, level: 2, msg: 3 }),
  preset('iso-plain', 'any ISO timestamp then the message: TIMESTAMP MSG', String.raw`(${ISO})\s+(.*)`, { ts: 1, msg: 2 }),
];

export const PRESET_NAMES: readonly string[] = PRESETS.map((p) => p.name);

export function presetByName(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
