import { Subject, type Observable } from 'rxjs';
import { EVENT_VERSION, type BusEvent, type BusEventDraft } from './events.js';

export interface Bus {
  readonly runId: string;
  /** Stamps a draft with v, runId, the next seq and the time, and delivers it synchronously. */
  emit(draft: BusEventDraft): BusEvent;
  readonly events$: Observable<BusEvent>;
  /** Ends the stream: subscribers' `complete` runs (flush NATS, close the UI). */
  complete(): void;
}

export interface BusOptions {
  readonly runId: string;
  readonly now?: () => Date;
}

export function createBus(opts: BusOptions): Bus {
  const subject = new Subject<BusEvent>();
  const now = opts.now ?? (() => new Date());
  let seq = 0;
  return {
    runId: opts.runId,
    emit(draft) {
      const event = { ...draft, v: EVENT_VERSION, runId: opts.runId, seq: ++seq, at: now().toISOString() } as BusEvent;
      subject.next(event);
      return event;
    },
    events$: subject.asObservable(),
    complete() {
      subject.complete();
    },
  };
}
