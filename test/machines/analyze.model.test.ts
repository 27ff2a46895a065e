import { describe, expect, it } from 'vitest';
import { analyzeMachine } from '../../src/machines/index.js';
import { eventTypes, policies, random, runModel, taskOutputs, uncovered, type ModelRun } from './model.js';

const upload = { runDir: '/run', runId: 'r1', upload: { type: 'local', dir: '/up' }, baseDir: '/b', artifacts: ['report.html'] };
const input = (dryRun: boolean) => ({
  policies,
  random,
  dryRun,
  analyze: { runDir: '/run', runId: 'r1' } as any,
  upload,
  email: { runDir: '/run', runId: 'r1', subjectPrefix: '[x]' },
});

const ANALYZE = 'report_postProcess/analyze_report';
const UPLOAD = 'report_postProcess/upload_report';
const EMAIL = 'report_postProcess/analyze_report/send_notification_emails';

/**
 * The specification (README, "The pipeline" and "Durability"): analyze, then file the report, then
 * tell people; a failed analysis stops everything; a failed upload does not stop the emails (they
 * say the report could not be filed) but fails the run; no email on a dry run; the first failure is
 * the run's failure.
 */
function expectedFailure(ok: { analysis: boolean; upload: boolean | null; email: boolean | null }): string | undefined {
  if (!ok.analysis) return ANALYZE;
  if (ok.upload === false) return UPLOAD;
  if (ok.email === false) return EMAIL;
  return undefined;
}

describe('analyze_report machine (model-based)', () => {
  const all: ModelRun[] = [];

  for (const dryRun of [false, true]) {
    it(`dryRun=${dryRun}: analysis, then upload, then emails; the report is filed whatever the emails do`, async () => {
      const runs = await runModel(analyzeMachine, input(dryRun));
      all.push(...runs);
      expect(runs.length).toBeGreaterThan(dryRun ? 8 : 20);
      for (const { path, replay } of runs) {
        const why = eventTypes(path).join(' > ');
        expect(replay.snapshot.status, why).toBe('done');
        expect(replay.leftover, why).toBe(0);
        const { log } = replay;
        const analysisOk = log.includes('done:analyzeReport');
        const uploadStarted = log.includes('start:uploadReport');
        const uploadOk = log.includes('done:uploadReport');
        const emailStarted = log.includes('start:sendNotificationEmails');
        const emailOk = log.includes('done:sendNotificationEmails');
        // Order: nothing is uploaded before the analysis is done; no email before the upload has ended.
        expect(uploadStarted, why).toBe(analysisOk);
        if (uploadStarted) expect(log.indexOf('done:analyzeReport'), why).toBeLessThan(log.indexOf('start:uploadReport'));
        if (emailStarted) {
          const lastUploadEnd = Math.max(log.lastIndexOf('done:uploadReport'), log.lastIndexOf('error:uploadReport'), log.lastIndexOf('aborted:uploadReport'));
          expect(lastUploadEnd, why).toBeLessThan(log.indexOf('start:sendNotificationEmails'));
        }
        // No email actor ever starts on a dry run; otherwise once the upload has ended, either way.
        if (dryRun) expect(emailStarted, why).toBe(false);
        else expect(emailStarted, why).toBe(uploadStarted);
        if (uploadStarted) expect(replay.inputs.uploadReport[0] as object, why).toEqual({ input: upload, attempt: 1 });
        if (emailStarted) {
          // The email links the report only when it was filed.
          const email = (replay.inputs.sendNotificationEmails[0] as any).input;
          expect(email, why).toMatchObject({ analysis: taskOutputs.analyzeReport, subjectPrefix: '[x]' });
          expect(email.reportUri, why).toBe(uploadOk ? taskOutputs.uploadReport.uri : undefined);
        }
        const out = replay.snapshot.output;
        const failed = expectedFailure({ analysis: analysisOk, upload: uploadStarted ? uploadOk : null, email: emailStarted ? emailOk : null });
        expect(out.failure?.step, why).toBe(failed);
        if (failed === undefined) {
          expect(out.outputs.analyze_report, why).toEqual(taskOutputs.analyzeReport);
          expect(out.outputs.upload_report, why).toEqual(taskOutputs.uploadReport);
        }
      }
    });
  }

  it('a resumed run skips what an earlier execution finished and starts only the rest', async () => {
    const analysisOnly = await runModel(analyzeMachine, { ...input(false), resumed: { analyze_report: taskOutputs.analyzeReport } });
    const both = await runModel(analyzeMachine, { ...input(false), resumed: { analyze_report: taskOutputs.analyzeReport, upload_report: taskOutputs.uploadReport, send_notification_emails: taskOutputs.sendNotificationEmails } });
    all.push(...analysisOnly, ...both);
    for (const { path, replay } of analysisOnly) {
      expect(replay.log, eventTypes(path).join(' > ')).not.toContain('start:analyzeReport');
      if (replay.snapshot.output.failure === undefined) expect(replay.log).toContain('done:sendNotificationEmails');
    }
    expect(both.map((r) => r.replay.snapshot.value)).toEqual(['done']);
    // Nothing runs again: in particular the email is not sent a second time.
    expect(both[0].replay.log).toEqual([]);
    expect(both[0].replay.snapshot.output.outputs.send_notification_emails).toEqual(taskOutputs.sendNotificationEmails);
  });

  it('covers every state and every transition', () => {
    const u = uncovered(analyzeMachine, all);
    expect(u.states).toEqual([]);
    expect(u.transitions).toEqual([]);
    expect(u.totalTransitions).toBeGreaterThan(20);
  });
});
