/**
 * What the event stream already holds for a run: a re-executed run (a worker picked up a request
 * whose first worker died) continues the run's sequence instead of colliding with its message ids.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { BusEvent } from '../events.js';
import { runEventsFilter, type NatsNames } from './names.js';
import { messageOf } from '../../errors.js';

/** The last event stored for the run, or undefined when the stream has none. */
export async function lastStoredEvent(jsm: JetStreamManager, names: NatsNames, runId: string): Promise<BusEvent | undefined> {
  try {
    const m = await jsm.streams.getMessage(names.eventStream, { last_by_subj: runEventsFilter(names, runId) });
    return m ? m.json<BusEvent>() : undefined;
  } catch (err) {
    if (/no message found|not found/i.test(messageOf(err))) return undefined;
    throw err;
  }
}
