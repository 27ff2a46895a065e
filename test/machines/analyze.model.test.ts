import { describe, expect, it } from 'vitest';
import { analyzeMachine } from '../../src/machines/index.js';
import { eventTypes, policies, random, runModel, taskOutputs, uncovered, type ModelRun } from './model.js';

const input = (dryRun: boolean) => ({
  policies,
  random,
  dryRun,
  analyze: { runDir: '/run', runId: 'r1' } as any,
  email: { runDir: '/run', runId: 'r1', subjectPrefix: '[x]', reportUri: 'file:///up/report.html' },
});

describe('analyze_report machine (model-based)', () => {
  const all: ModelRun[] = [];

  for (const dryRun of [false, true]) {
    it(`dryRun=${dryRun}: every path replays to the model's final state with the invariants`, async () => {
      const runs = await runModel(analyzeMachine, input(dryRun));
      all.push(...runs);
      expect(runs.length).toBeGreaterThan(dryRun ? 8 : 20);
      for (const { path, replay } of runs) {
        const why = eventTypes(path).join(' > ');
        expect(replay.snapshot.status, why).toBe('done');
        expect(replay.snapshot.value, why).toEqual(path.state.value);
        expect(replay.leftover, why).toBe(0);
        // No email actor ever starts on a dry run; otherwise only after a successful analysis.
        if (dryRun) expect(replay.log.some((l) => l.endsWith(':sendNotificationEmails')), why).toBe(false);
        const firstEmail = replay.log.indexOf('start:sendNotificationEmails');
        if (firstEmail >= 0) {
          expect(replay.log.slice(0, firstEmail), why).toContain('done:analyzeReport');
          // The email gets the analysis, the subject prefix and the planned report link.
          expect(replay.inputs.sendNotificationEmails![0], why).toMatchObject({
            attempt: 1,
            input: { analysis: taskOutputs.analyzeReport, subjectPrefix: '[x]', reportUri: 'file:///up/report.html' },
          });
        }
        const out = replay.snapshot.output;
        if (path.state.value === 'failed') {
          expect(out.failure.step, why).toMatch(/^report_postProcess\/analyze_report(\/send_notification_emails)?$/);
          const lastActor = [...replay.log].reverse().find((l) => l.startsWith('start:'))!;
          const expected = lastActor === 'start:analyzeReport' ? 'report_postProcess/analyze_report' : 'report_postProcess/analyze_report/send_notification_emails';
          expect(out.failure.step, why).toBe(expected);
        } else {
          expect(out.failure, why).toBeUndefined();
          expect(out.outputs.analyze_report, why).toEqual(taskOutputs.analyzeReport);
        }
      }
    });
  }

  it('covers every state and every transition', () => {
    const u = uncovered(analyzeMachine, all);
    expect(u.states).toEqual([]);
    expect(u.transitions).toEqual([]);
    expect(u.totalTransitions).toBeGreaterThan(15);
  });
});
