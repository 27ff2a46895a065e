/** The adapter's own bookkeeping (what whole runs do is in sequences.test.ts). */
import { describe, expect, it } from 'vitest';
import { createMachineEventAdapter } from '../../src/bus/from-machines.js';
import type { BusEventDraft } from '../../src/bus/events.js';
import { STEP_PATHS } from '../../src/dag.js';

const INGEST = 'prepare_prerequisite/execute_cloudwatchLog_injetion';
const CONFIG = 'prepare_prerequisite/download_config_yaml';
const error = { name: 'Error', code: 'INTERNAL', message: 'boom', retryable: false };

function adapter() {
  const drafts: Extract<BusEventDraft, { type: 'step' }>[] = [];
  let t = 0;
  const a = createMachineEventAdapter({ emit: (d) => drafts.push(d), now: () => (t += 10) });
  const brief = () => drafts.map((d) => `${d.step} ${d.status}${d.reason ? ` (${d.reason})` : ''}`);
  return { a, drafts, brief };
}

describe('machine events to step events', () => {
  it('a crashed flow fails, and the steps it left open end cancelled (flow crashed), deepest first', () => {
    const { a, brief } = adapter();
    a.onEmitted({ type: 'flow.running', path: 'prepare_prerequisite' });
    a.onEmitted({ type: 'step.running', path: INGEST, attempt: 1, maxAttempts: 3 });
    a.onEmitted({ type: 'step.running', path: CONFIG, attempt: 1, maxAttempts: 3 });
    a.onEmitted({ type: 'flow.failed', path: 'prepare_prerequisite', error, crashed: true });
    expect(brief().slice(3)).toEqual([`${CONFIG} cancelled (flow crashed)`, `${INGEST} cancelled (flow crashed)`, 'prepare_prerequisite failed']);
  });

  it('a step ends once: what a machine says after the bus ended it is dropped', () => {
    const { a, brief } = adapter();
    a.onEmitted({ type: 'step.running', path: 'install_packages', attempt: 1, maxAttempts: 2 });
    a.onEmitted({ type: 'run.cancelled', reason: 'SIGINT' });
    a.onEmitted({ type: 'step.failed', path: 'install_packages', attempt: 1, maxAttempts: 2, error });
    expect(brief()).toEqual(['install_packages running', 'install_packages cancelled (cancelled)']);
  });

  it('retrying says when the next attempt starts, and done carries facts and the time since running', () => {
    const { a, drafts } = adapter();
    a.onEmitted({ type: 'step.running', path: 'execute_logAnomaly', attempt: 1, maxAttempts: 2 });
    a.onEmitted({ type: 'step.retrying', path: 'execute_logAnomaly', attempt: 1, maxAttempts: 2, retryInMs: 500, error });
    a.onEmitted({ type: 'step.running', path: 'execute_logAnomaly', attempt: 2, maxAttempts: 2 });
    a.onEmitted({ type: 'step.done', path: 'execute_logAnomaly', attempt: 2, output: { lines: 9, templates: 2, anomalies: 1 } });
    // now() reads 10, 20, 30: started at 10, the retry planned at 20 (+500 ms), done at 30.
    expect(drafts[1]).toMatchObject({ status: 'retrying', retryInMs: 500, nextAttemptAt: new Date(520).toISOString(), error });
    expect(drafts[3]).toMatchObject({ status: 'done', attempt: 2, durationMs: 30 - 10, facts: { lines: 9, templates: 2, anomalies: 1 } });
  });

  it('finish ends what is open with the reason given and the rest as not reached; nothing after it', () => {
    const { a, brief } = adapter();
    a.onEmitted({ type: 'step.running', path: 'install_packages', attempt: 1, maxAttempts: 2 });
    a.finish('run failed');
    a.onEmitted({ type: 'step.running', path: 'execute_logAnomaly', attempt: 1, maxAttempts: 2 });
    expect(brief()).toEqual([
      'install_packages running',
      'install_packages cancelled (run failed)',
      ...STEP_PATHS.filter((p) => p !== 'install_packages').map((p) => `${p} cancelled (not reached)`),
    ]);
  });

  it('startedAt is when the bus first saw a step running; a step never running has neither startedAt nor durationMs', () => {
    const { a, drafts } = adapter();
    a.onEmitted({ type: 'step.skipped', path: 'install_packages', reason: 'skip_install' });
    a.onEmitted({ type: 'step.running', path: CONFIG, attempt: 1, maxAttempts: 3 });
    a.onEmitted({ type: 'step.done', path: CONFIG, attempt: 1, output: { version: '7', origin: 'http://c.test/x.yaml', fromCache: true, stale: true, file: 'f', config: {} } });
    a.finish('run failed');
    const config = drafts.filter((d) => d.step === CONFIG);
    // now() reads 10 for running, 20 for done.
    expect(config.map((d) => d.startedAt)).toEqual([new Date(10).toISOString(), new Date(10).toISOString()]);
    expect(config[1]).toMatchObject({ status: 'done', durationMs: 10, facts: { configVersion: '7', etag: null, revision: null, fromCache: true, stale: true, origin: 'http://c.test/x.yaml' } });
    for (const d of drafts.filter((x) => x.step !== CONFIG)) {
      expect(d, d.step).not.toHaveProperty('startedAt');
      expect(d, d.step).not.toHaveProperty('durationMs');
    }
    expect(drafts[0]).toMatchObject({ step: 'install_packages', status: 'skipped', reason: 'skip_install', kind: 'task', name: 'install_packages' });
  });

  it('a flow done with a step still open inside ends that step (sibling failed); a flow carries no facts', () => {
    const { a, drafts, brief } = adapter();
    a.onEmitted({ type: 'flow.running', path: 'prepare_prerequisite' });
    a.onEmitted({ type: 'step.running', path: INGEST, attempt: 1, maxAttempts: 3 });
    a.onEmitted({ type: 'flow.done', path: 'prepare_prerequisite', output: { config: {}, ingest: {} } });
    expect(brief()).toEqual(['prepare_prerequisite running', `${INGEST} running`, `${INGEST} cancelled (sibling failed)`, 'prepare_prerequisite done']);
    expect(drafts[3]).not.toHaveProperty('facts');
    // Kinds come from the DAG (which names them as the original diagram does).
    expect(drafts.map((d) => d.kind)).toEqual(['task', 'flow', 'flow', 'task']);
  });

  it('a path outside the DAG is reported as a task', () => {
    const { a, drafts } = adapter();
    a.onEmitted({ type: 'step.running', path: 'extra/side_step', attempt: 1, maxAttempts: 1 });
    expect(drafts[0]).toMatchObject({ step: 'extra/side_step', name: 'side_step', kind: 'task', status: 'running' });
  });
});
