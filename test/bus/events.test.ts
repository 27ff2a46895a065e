/** The bus itself and the event model's two rules: which run event is final, and its exit code. */
import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import { exitCodeFor, isFinalRunEvent, type BusEvent } from '../../src/bus/events.js';

const params = { skipInstall: false, dryRun: false };

describe('bus', () => {
  it('stamps drafts with v, runId, a gap-free seq and the time; complete ends every subscriber', () => {
    const b = createBus({ runId: 'r1', now: () => new Date(Date.UTC(2026, 0, 2)) });
    const seen: BusEvent[] = [];
    let completed = 0;
    b.events$.subscribe({ next: (e) => seen.push(e), complete: () => (completed += 1) });
    b.events$.subscribe({ complete: () => (completed += 1) });
    const e1 = b.emit({ type: 'log', level: 'info', msg: 'a' });
    b.emit({ type: 'run', status: 'started', params });
    expect(e1).toEqual({ type: 'log', level: 'info', msg: 'a', v: 1, runId: 'r1', seq: 1, at: '2026-01-02T00:00:00.000Z' });
    expect(seen.map((e) => e.seq)).toEqual([1, 2]);
    b.complete();
    expect(completed).toBe(2);
  });
});

describe('run events', () => {
  const run = (status: string) => ({ v: 1, runId: 'r', seq: 1, at: '', type: 'run', status, params }) as BusEvent;

  it('every run status but started is final; other event types never are', () => {
    expect(['started', 'completed', 'failed', 'cancelled', 'crashed'].map((s) => isFinalRunEvent(run(s)))).toEqual([false, true, true, true, true]);
    expect(isFinalRunEvent({ v: 1, runId: 'r', seq: 2, at: '', type: 'log', level: 'info', msg: 'completed' })).toBe(false);
  });

  it('exit codes: 0 completed, 2 a run failed on bad input, 1 anything else', () => {
    expect(exitCodeFor('completed')).toBe(0);
    expect(exitCodeFor('completed', { code: 'CONFIG_INVALID' })).toBe(0);
    expect(exitCodeFor('failed', { code: 'CONFIG_INVALID' })).toBe(2);
    expect(exitCodeFor('failed', { code: 'INPUT_INVALID' })).toBe(2);
    expect(exitCodeFor('failed', { code: 'INTERNAL' })).toBe(1);
    expect(exitCodeFor('failed')).toBe(1);
    expect(exitCodeFor('cancelled', { code: 'CONFIG_INVALID' })).toBe(1);
    expect(exitCodeFor('crashed', { code: 'USAGE' })).toBe(1);
  });
});
