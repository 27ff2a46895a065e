/**
 * What the real machines emit (actor.on), with their work provided by stubs (`.provide()`): the
 * order a reader of one machine sees, and the paths only a broken child machine takes.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, toPromise, type AnyStateMachine } from 'xstate';
import { NetworkError } from '../../src/errors.js';
import { analyzeMachine, postProcessMachine, type MachineEmitted } from '../../src/machines/index.js';
import { policies, random, taskOutputs } from './model.js';

const ANALYZE = 'report_postProcess/analyze_report';
const analyzeInput = {
  policies,
  random,
  dryRun: false,
  analyze: { runDir: '/run', runId: 'r1' } as any,
  upload: { runDir: '/run', runId: 'r1', upload: { type: 'local', dir: '/up' }, baseDir: '/b', artifacts: ['report.html'] } as any,
  email: { runDir: '/run', runId: 'r1', subjectPrefix: '[x]' },
};

async function emittedBy(machine: AnyStateMachine, input: unknown) {
  const actor = createActor(machine, { input });
  const heard: MachineEmitted[] = [];
  actor.on('*', (e) => heard.push(e as MachineEmitted));
  actor.start();
  const output = await toPromise(actor);
  return { heard, output };
}

const brief = (e: MachineEmitted) => [e.type, 'path' in e ? e.path : '', 'attempt' in e ? e.attempt : ''].join(' ').trim();

describe('emitted events', () => {
  it('analyze_report: the analysis retries once, then the upload and the emails run; each says so in order', async () => {
    let calls = 0;
    const machine = analyzeMachine.provide({
      actors: {
        analyzeReport: fromPromise(() => (++calls === 1 ? Promise.reject(new NetworkError('connection reset')) : Promise.resolve(taskOutputs.analyzeReport as any))),
        uploadReport: fromPromise(() => Promise.resolve(taskOutputs.uploadReport as any)),
        sendNotificationEmails: fromPromise(() => Promise.resolve(taskOutputs.sendNotificationEmails as any)),
      },
    });
    const { heard } = await emittedBy(machine, analyzeInput);
    expect(heard.map(brief)).toEqual([
      `step.running ${ANALYZE} 1`,
      `step.retrying ${ANALYZE} 1`,
      `step.running ${ANALYZE} 2`,
      // no step.done for the analysis: the enclosing flow says done once the emails are through
      'step.running report_postProcess/upload_report 1',
      'step.done report_postProcess/upload_report 1',
      `step.running ${ANALYZE}/send_notification_emails 1`,
      `step.done ${ANALYZE}/send_notification_emails 1`,
    ]);
    expect(heard[1]).toMatchObject({ maxAttempts: policies.analyze_report.attempts, retryInMs: 1, error: { code: 'NETWORK' } });
    expect(heard.at(-1)).toMatchObject({ output: taskOutputs.sendNotificationEmails });
  });

  it('analyze_report on a dry run: the emails are skipped with reason dry_run, and never start', async () => {
    let emailed = false;
    const machine = analyzeMachine.provide({
      actors: {
        analyzeReport: fromPromise(() => Promise.resolve(taskOutputs.analyzeReport as any)),
        uploadReport: fromPromise(() => Promise.resolve(taskOutputs.uploadReport as any)),
        sendNotificationEmails: fromPromise(() => {
          emailed = true;
          return Promise.resolve(taskOutputs.sendNotificationEmails as any);
        }),
      },
    });
    const { heard } = await emittedBy(machine, { ...analyzeInput, dryRun: true });
    expect(heard.at(-1)).toEqual({ type: 'step.skipped', path: `${ANALYZE}/send_notification_emails`, reason: 'dry_run' });
    expect(emailed).toBe(false);
  });

  it('a child machine that throws: its flow says failed, crashed, with the error (the steps it left open end with it)', async () => {
    const machine = postProcessMachine.provide({
      actors: { analyzeReportFlow: fromPromise(() => Promise.reject(new Error('child machine broke'))) as any },
    });
    const { heard, output } = await emittedBy(machine, { policies, random, analysis: {} as any, upload: {} as any });
    expect(heard).toEqual([{ type: 'flow.failed', path: ANALYZE, crashed: true, error: expect.objectContaining({ message: 'child machine broke' }) }]);
    expect(output.failure).toMatchObject({ step: ANALYZE, error: { message: 'child machine broke' } });
  });
});
