/**
 * Real server logs of a Debian machine running the project's services, as the no-incident suite
 * reads them: the excerpt in test/fixtures/real-logs/ (see its README for where each came from)
 * and, for the benchmark, the live file. Formats are explicit loghub patterns (or `raw` where
 * lines carry no timestamp of their own: apt's history and term logs), so the suite does not
 * depend on format auto-detection.
 */
import type { LogFormat } from '../../config/settings-types.js';

export interface RealLog {
  /** Stream name. */
  readonly name: string;
  /** File name under test/fixtures/real-logs/. */
  readonly fixture: string;
  /** Where the live file is on a Debian host with these services. */
  readonly live: string;
  readonly format: LogFormat;
}

const loghub = (pattern: string): LogFormat => ({ type: 'loghub', pattern });

export const REAL_LOGS: readonly RealLog[] = [
  { name: 'dpkg', fixture: 'dpkg.log', live: '/var/log/dpkg.log', format: loghub('<Date> <Time> <Content>') },
  { name: 'apt-history', fixture: 'apt-history.log', live: '/var/log/apt/history.log', format: { type: 'raw' } },
  { name: 'apt-term', fixture: 'apt-term.log', live: '/var/log/apt/term.log', format: { type: 'raw' } },
  { name: 'alternatives', fixture: 'alternatives.log', live: '/var/log/alternatives.log', format: loghub('<Program> <Date> <Time>: <Content>') },
  { name: 'postgresql', fixture: 'postgresql.log', live: '/var/log/postgresql/postgresql-15-main.log', format: loghub('<Date> <Time> <Zone> \\[<Pid>\\] <Level>: <Content>') },
  { name: 'mariadb', fixture: 'mariadb.log', live: '/var/log/mysql/error.log', format: loghub('<Date> <Time> <Thread> \\[<Level>\\] <Content>') },
  { name: 'redis', fixture: 'redis.log', live: '/var/log/redis/ci.log', format: loghub('<Pid>:<Role> <Day> <Month> <Year> <Time> <Mark> <Content>') },
  { name: 'rabbitmq', fixture: 'rabbitmq.log', live: '/var/log/rabbitmq/rabbit@localhost.log', format: loghub('<Date> <Time> \\[<Level>\\] <Process> <Content>') },
  { name: 'mosquitto', fixture: 'mosquitto.log', live: '/var/log/mosquitto/mosquitto.log', format: loghub('<Time>: <Content>') },
  { name: 'nats-server', fixture: 'nats-server.log', live: '/var/log/nats-server.log', format: loghub('\\[<Pid>\\] <Date> <Time> \\[<Level>\\] <Content>') },
];
