import { describe, expect, it } from 'vitest';
import { createSequencer } from '../../src/bus/nats/sequencer.js';
import { eventSubject, natsNames, runIdFromToken, runToken } from '../../src/bus/nats/names.js';
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
  it('escapes dots in run ids reversibly', () => {
    expect(runToken('a.b.c')).toBe('a%2Eb%2Ec');
    expect(runIdFromToken(runToken('a.b_c-1'))).toBe('a.b_c-1');
  });
});
