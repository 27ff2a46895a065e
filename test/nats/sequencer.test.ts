import { describe, expect, it } from 'vitest';
import { createSequencer } from '../../src/bus/nats/sequencer.js';
import { eventMsgId, eventSubject, natsNames, requestSubject, runEventsFilter, runIdFromToken, runToken } from '../../src/bus/nats/names.js';
import { happyRun } from '../helpers/event-scripts.js';

const events = happyRun();
const seqs = (es: { seq: number }[]) => es.map((e) => e.seq);

describe('sequencer (watch side)', () => {
  it('releases events in seq order, holding early arrivals and dropping repeats', () => {
    const s = createSequencer({ gapTimeoutMs: 10_000 });
    const [e1, e2, e3, e4] = events;
    expect(seqs(s.push(e1))).toEqual([1]);
    expect(seqs(s.push(e3))).toEqual([]);
    expect(seqs(s.push(e4))).toEqual([]);
    expect(s.held()).toBe(2);
    expect(seqs(s.push(e2))).toEqual([2, 3, 4]);
    expect(seqs(s.push(e2))).toEqual([]);
    expect(seqs(s.push(e3))).toEqual([]);
    expect(s.held()).toBe(0);
  });

  it('skips a gap that stays open longer than the timeout, and says which seqs were lost', () => {
    let t = 0;
    const s = createSequencer({ gapTimeoutMs: 1000, now: () => t });
    s.push(events[0]);
    s.push(events[3]);
    t = 999;
    expect(s.expire(t).events).toEqual([]);
    t = 1000;
    const { events: out, skipped } = s.expire(t);
    expect(seqs(out)).toEqual([4]);
    expect(skipped).toEqual([{ runId: events[0].runId, from: 2, to: 3 }]);
  });

  it('measures a gap from when it opened, skips only to the lowest held seq, and forgets a gap once it fills', () => {
    let t = 5_000;
    const s = createSequencer({ gapTimeoutMs: 1000, now: () => t });
    s.push(events[0]);
    s.push(events[5]);
    s.push(events[3]);
    expect(s.expire(5_999)).toEqual({ events: [], skipped: [] });
    // Skipped to 4 (the lowest held), not past it; 6 still waits behind 5.
    t = 6_000;
    const first = s.expire(t);
    expect(seqs(first.events)).toEqual([4]);
    expect(first.skipped).toEqual([{ runId: events[0].runId, from: 2, to: 3 }]);
    expect(s.held()).toBe(1);
    // The gap before 6 counts from this expiry, not from the first one.
    expect(s.expire(6_999)).toEqual({ events: [], skipped: [] });
    expect(seqs(s.push(events[4]))).toEqual([5, 6]);
    // Nothing held: no gap to expire however late.
    expect(s.expire(1e12)).toEqual({ events: [], skipped: [] });
    expect(s.held()).toBe(0);
  });

  it('keeps each run in its own order', () => {
    const s = createSequencer({ gapTimeoutMs: 1000 });
    const other = events.map((e) => ({ ...e, runId: 'other-run' }));
    expect(seqs(s.push(other[1]))).toEqual([]);
    expect(seqs(s.push(events[0]))).toEqual([1]);
    expect(s.held()).toBe(1);
    expect(seqs(s.push(other[0]))).toEqual([1, 2]);
  });

  it('a live follower starts wherever it joined', () => {
    const s = createSequencer({ gapTimeoutMs: 1000, firstSeq: (_r, seq) => seq });
    expect(seqs(s.push(events[9]))).toEqual([10]);
    expect(seqs(s.push(events[10]))).toEqual([11]);
  });
});

describe('subjects', () => {
  const n = natsNames('lap');
  it('puts the run, the step path and the kind (last) in the subject', () => {
    const step = events.find((e) => e.type === 'step' && e.step.includes('send_notification_emails'))!;
    expect(eventSubject(n, { ...step, runId: 'r.1' })).toBe('lap.events.r%2E1.report_postProcess.analyze_report.send_notification_emails.step');
    expect(eventSubject(n, events[0])).toBe(`lap.events.${events[0].runId}.run`);
    expect(eventSubject(n, { ...events[0], type: 'log', level: 'info', msg: 'x' } as never)).toBe(`lap.events.${events[0].runId}.log`);
  });
  it('a step path never gains a wildcard, whitespace or an empty token; a log without a step is the run\'s', () => {
    const step = events.find((e) => e.type === 'step')!;
    expect(eventSubject(n, { ...step, step: 'a b/c*d/e>f.g//h' })).toBe(`lap.events.${step.runId}.a_b.c_d.e_f_g._.h.step`);
    expect(eventSubject(n, { ...events[0], type: 'log', level: 'info', msg: 'x', step: undefined } as never)).toBe(`lap.events.${events[0].runId}.log`);
  });
  it('names every stream, bucket, filter and subject from the prefix', () => {
    const t = natsNames('t1');
    expect(t).toEqual({
      prefix: 't1',
      eventStream: 't1_EVENTS',
      eventSubjects: 't1.events.>',
      runsBucket: 't1_runs',
      notifiedBucket: 't1_notified',
      requestStream: 't1_REQUESTS',
      requestSubjects: 't1.requests.>',
      workerConsumer: 't1_workers',
    });
    expect(natsNames().prefix).toBe('lap');
    expect(runEventsFilter(t)).toBe('t1.events.>');
    expect(runEventsFilter(t, 'r.2')).toBe('t1.events.r%2E2.>');
    expect(requestSubject(t, 'r.2')).toBe('t1.requests.r%2E2');
    expect(eventMsgId({ runId: 'r.2', seq: 17 })).toBe('r.2-17');
  });
  it('escapes dots in run ids reversibly', () => {
    expect(runToken('a.b.c')).toBe('a%2Eb%2Ec');
    expect(runIdFromToken(runToken('a.b_c-1'))).toBe('a.b_c-1');
  });
});
