/**
 * The machines build when their module loads (setup().createMachine at import). Imported inside a
 * test, so a machine definition that cannot be built fails here as a test, where a failed import
 * at the top of a test file would only leave that file with no tests (mutation testing counted
 * such a broken machine as a survivor).
 */
import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';

describe('machine modules', () => {
  it('load, and every machine starts in its first step', async () => {
    const m = await import('../../src/machines/index.js');
    expect([m.pipelineMachine.id, m.prepareMachine.id, m.postProcessMachine.id, m.analyzeMachine.id]).toEqual([
      'log-anomaly-pipeline',
      'prepare_prerequisite',
      'report_postProcess',
      'analyze_report',
    ]);
  });

  it('a step whose work the composition root did not provide fails the run, saying so', async () => {
    const { analyzeMachine } = await import('../../src/machines/index.js');
    const policy = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 60_000 };
    const policies = { analyze_report: policy, upload_report: policy, send_notification_emails: policy } as any;
    const actor = createActor(analyzeMachine, { input: { policies, dryRun: false, analyze: {} as any, upload: {} as any, email: {} as any } });
    actor.start();
    const out = await toPromise(actor);
    expect(out.failure).toEqual({
      step: 'report_postProcess/analyze_report',
      error: { name: 'Error', code: 'INTERNAL', message: 'task actor not provided: the composition root must provide it', retryable: false },
    });
  });
});
