/**
 * Every NATS name this project uses, derived from one prefix (`nats.prefix`, default `lap`) so
 * tenants and test runs can share a server without colliding. The subject scheme is documented
 * in docs/nats.md; keep the two in step.
 *
 *   <prefix>.events.<run>.run                         run started/completed/failed/cancelled
 *   <prefix>.events.<run>.<step path tokens>.<kind>   step, log, progress, artifact of a step
 *   <prefix>.events.<run>.<kind>                      log/progress/artifact not tied to a step
 *   <prefix>.requests.<run>                           run requests on the work queue
 *
 * The kind comes last so `<prefix>.events.<run>.report_postProcess.>` picks a step with
 * everything under it, in one filter (nats-server 2.9 consumers take one filter subject).
 */
import type { BusEvent } from '../events.js';

export interface NatsNames {
  readonly prefix: string;
  readonly eventStream: string;
  readonly eventSubjects: string;
  readonly runsBucket: string;
  readonly notifiedBucket: string;
  readonly requestStream: string;
  readonly requestSubjects: string;
  readonly workerConsumer: string;
}

export const DEFAULT_PREFIX = 'lap';

export function natsNames(prefix: string = DEFAULT_PREFIX): NatsNames {
  return {
    prefix,
    eventStream: `${prefix}_EVENTS`,
    eventSubjects: `${prefix}.events.>`,
    runsBucket: `${prefix}_runs`,
    notifiedBucket: `${prefix}_notified`,
    requestStream: `${prefix}_REQUESTS`,
    requestSubjects: `${prefix}.requests.>`,
    workerConsumer: `${prefix}_workers`,
  };
}

/**
 * Run ids may contain `.` (`[A-Za-z0-9._-]{1,64}`), which separates subject tokens; `%` is not
 * allowed in run ids, so `%2E` is an unambiguous escape.
 */
export function runToken(runId: string): string {
  return runId.replaceAll('.', '%2E');
}

export function runIdFromToken(token: string): string {
  return token.replaceAll('%2E', '.');
}

// A step path comes from our own DAG, but a subject must never gain a wildcard or whitespace.
const safeToken = (t: string) => t.replace(/[\s*>.]/g, '_') || '_';

export function eventSubject(names: NatsNames, e: BusEvent): string {
  const base = `${names.prefix}.events.${runToken(e.runId)}`;
  if (e.type === 'run') return `${base}.run`;
  const step = 'step' in e && e.step ? e.step.split('/').map(safeToken).join('.') + '.' : '';
  return `${base}.${step}${e.type}`;
}

/** Every event of one run (or of every run). */
export function runEventsFilter(names: NatsNames, runId?: string): string {
  return runId === undefined ? names.eventSubjects : `${names.prefix}.events.${runToken(runId)}.>`;
}

export function requestSubject(names: NatsNames, runId: string): string {
  return `${names.prefix}.requests.${runToken(runId)}`;
}

/** The JetStream message id: a retried publish of the same event is dropped by the server. */
export function eventMsgId(e: Pick<BusEvent, 'runId' | 'seq'>): string {
  return `${e.runId}-${e.seq}`;
}
