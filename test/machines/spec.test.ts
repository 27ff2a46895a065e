/**
 * The machines against the specification (spec.ts), not against themselves: scenarios are listed
 * here, the expected run comes from spec.ts, the observed one from the real machines (drive.ts).
 */
import { describe, expect, it } from 'vitest';
import type { MachineEmitted } from '../../src/machines/index.js';
import { drive, JOB, OUTPUT, type Observed } from './drive.js';
import { ERROR_CODE, expected, PARALLEL, PATH, STEPS, type Attempt, type Expected, type Policy, type Scenario, type Step } from './spec.js';

const RANDOM = 0.37;
/** base 100 / max 150: the second wait is capped (150, not 200), and 0.37 makes rounding matter. */
const POLICY: Policy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 150 };
// Distinct per-step timeouts tell the driver whose timer it holds.
const policies = Object.fromEntries(STEPS.map((s, i) => [s, { ...POLICY, timeoutMs: 60_000 + 1000 * i }])) as Record<Step, Policy & { timeoutMs: number }>;

/** The first attempts of the two prerequisites start together: their relative order is not specified. */
function normalize(starts: readonly Step[]): Step[] {
  const out = [...starts];
  const i = out.findIndex((s) => (PARALLEL as readonly string[]).includes(s));
  if (i >= 0 && out[i + 1] !== undefined && out[i + 1] !== out[i] && (PARALLEL as readonly string[]).includes(out[i + 1])) {
    out.splice(i, 2, ...PARALLEL);
  }
  return out;
}

async function check(s: Scenario) {
  const want = expected(s, () => POLICY, RANDOM);
  const got = await drive(s, policies, () => RANDOM);
  const why = JSON.stringify(s);
  expect(got.status, why).toBe(want.status);
  expect(got.failure, why).toEqual(want.failure);
  expect(normalize(got.starts), why).toEqual(normalize(want.starts));
  expect([...got.aborted].sort(), why).toEqual([...want.aborted].sort());
  expect(got.backoffs, why).toEqual(want.backoffs);
  if (want.status !== 'cancelled') expect(got.outputs, why).toEqual(want.outputs);
  // A step that failed an attempt keeps that attempt's error (shown while it retries, and after).
  const rootErrors: Record<string, string> = {};
  for (const step of ['install_packages', 'execute_logAnomaly'] as const) {
    if (!got.starts.includes(step)) continue;
    const tried = got.starts.filter((x) => x === step).length;
    const failedAttempts = (s.attempts[step] ?? []).slice(0, tried).filter((a) => a !== 'ok');
    const cancelledNow = s.cancelAt?.step === step && s.cancelAt.attempt === tried;
    const last = cancelledNow ? failedAttempts.slice(0, tried - 1).at(-1) : failedAttempts.at(-1);
    if (last) rootErrors[step] = ERROR_CODE[last];
  }
  expect(got.rootErrors, why).toEqual(rootErrors);
  // Every attempt is told its number (services resume from it).
  for (const [step, numbers] of Object.entries(got.attemptNumbers)) expect(numbers, `${why} ${step}`).toEqual(numbers.map((_, i) => i + 1));
  expectEmittedToTell(s, want, got, why);
  return { want, got };
}

type Emitted<T extends MachineEmitted['type']> = Extract<MachineEmitted, { type: T }>;
const ofType = <T extends MachineEmitted['type']>(got: Observed, type: T, path?: string) =>
  got.emitted.filter((e): e is Emitted<T> => e.type === type && (path === undefined || ('path' in e && e.path === path)));
/** The machines group the emails and the upload with the analysis (analyze.ts): their failures end that flow too. */
const FLOWS_OF: Partial<Record<Step, string[]>> = {
  execute_cloudwatchLog_injetion: ['prepare_prerequisite'],
  download_config_yaml: ['prepare_prerequisite'],
  analyze_report: ['report_postProcess/analyze_report', 'report_postProcess'],
  upload_report: ['report_postProcess/analyze_report', 'report_postProcess'],
  send_notification_emails: ['report_postProcess/analyze_report', 'report_postProcess'],
};

/** What the machines emitted tells the run the specification expects: attempts, waits and their errors, skips, the outcome. */
function expectEmittedToTell(s: Scenario, want: Expected, got: Observed, why: string) {
  for (const step of STEPS) {
    const path = PATH[step];
    const at = `${why} ${step}`;
    const starts = want.starts.filter((x) => x === step).length;
    expect(ofType(got, 'step.running', path).map((e) => e.attempt), at).toEqual(Array.from({ length: starts }, (_, i) => i + 1));
    const retrying = ofType(got, 'step.retrying', path);
    expect(retrying.map((e) => e.retryInMs), at).toEqual(want.backoffs[step] ?? []);
    // Each wait names the error of the attempt before it.
    const failedAttempts = (s.attempts[step] ?? []).filter((a) => a !== 'ok').slice(0, retrying.length);
    expect(retrying.map((e) => e.error?.code), at).toEqual(failedAttempts.map((a) => ERROR_CODE[a]));
    expect(ofType(got, 'step.skipped', path).map((e) => e.reason), at).toEqual(want.skipped[step] ? [want.skipped[step]] : []);
    if (want.status === 'cancelled') continue;
    // analyze_report's done is its flow's, once the upload and emails are through (their failure fails
    // the flow; a resumed analysis still has them to do); the others say done with their output.
    const ran = step === 'analyze_report' ? want.outputs.includes(step) && !want.failure : want.outputs.includes(step) && want.skipped[step] === undefined;
    const done = step === 'analyze_report' ? ofType(got, 'flow.done', path) : ofType(got, 'step.done', path);
    expect(done.map((e) => e.output), at).toEqual(ran ? [s.outputs?.[step] ?? OUTPUT[step]] : []);
  }
  const failed = ofType(got, 'step.failed');
  const cancels = ofType(got, 'run.cancelled');
  if (want.status === 'cancelled') {
    expect(cancels.map((e) => e.reason), why).toEqual([s.cancelAt?.reason ?? 'cancelled']);
    return;
  }
  expect(cancels, why).toEqual([]);
  // The run's failure is the first step that says it failed, with the same error; the flows around it fail with it.
  expect(failed[0] && { step: failed[0].path, code: failed[0].error?.code }, why).toEqual(want.failure);
  const step = STEPS.find((x) => PATH[x] === want.failure?.step);
  const flows = ofType(got, 'flow.failed');
  expect(flows.map((e) => e.path), why).toEqual(step ? (FLOWS_OF[step] ?? []) : []);
  for (const f of flows) expect({ code: f.error?.code, crashed: f.crashed }, why).toEqual({ code: want.failure?.code, crashed: false });
}

const PATTERNS: readonly (readonly Attempt[])[] = [
  ['retryable', 'ok'],
  ['timeout', 'ok'],
  ['retryable', 'timeout', 'ok'],
  ['fatal'],
  ['retryable', 'fatal'],
  ['retryable', 'retryable', 'retryable'],
  ['timeout', 'timeout', 'timeout'],
];
const FLAGS = [
  { skipInstall: false, dryRun: false },
  { skipInstall: true, dryRun: false },
  { skipInstall: false, dryRun: true },
];

describe('pipeline machines against the specification', () => {
  it('a run where every step succeeds completes with every output; skip_install and dry_run skip their step', async () => {
    for (const flags of [...FLAGS, { skipInstall: true, dryRun: true }]) {
      const { got } = await check({ ...flags, attempts: {} });
      expect(got.status).toBe('completed');
      expect(got.starts.includes('install_packages')).toBe(!flags.skipInstall);
      expect(got.starts.includes('send_notification_emails')).toBe(!flags.dryRun);
    }
  });

  for (const step of STEPS) {
    it(`${step}: retries, timeouts and failures end the run as specified`, async () => {
      for (const flags of FLAGS) {
        for (const attempts of PATTERNS) await check({ ...flags, attempts: { [step]: attempts } });
      }
    });
  }

  it('the first prerequisite to fail fails the run and aborts the other, in either order', async () => {
    for (const first of PARALLEL) {
      for (const a of [['fatal'], ['timeout', 'timeout', 'timeout'], ['retryable', 'ok']] as Attempt[][]) {
        const other = first === PARALLEL[0] ? PARALLEL[1] : PARALLEL[0];
        await check({ skipInstall: true, dryRun: false, first, attempts: { [first]: a } });
        await check({ skipInstall: true, dryRun: false, first, attempts: { [other]: a } });
        await check({ skipInstall: true, dryRun: false, first, attempts: { [first]: a, [other]: ['fatal'] } });
      }
    }
  });

  it('a failed upload still sends the emails; the first failure is the run failure', async () => {
    const { got } = await check({ skipInstall: true, dryRun: false, attempts: { upload_report: ['fatal'], send_notification_emails: ['fatal'] } });
    expect(got.failure?.step).toBe('report_postProcess/upload_report');
    await check({ skipInstall: true, dryRun: false, attempts: { upload_report: ['fatal'] } });
    await check({ skipInstall: true, dryRun: true, attempts: { upload_report: ['retryable', 'retryable', 'retryable'] } });
  });

  it('CANCEL during any attempt of any step aborts it and ends the run cancelled', async () => {
    for (const step of STEPS) {
      for (const attempt of [1, 2]) {
        await check({ skipInstall: false, dryRun: false, attempts: { [step]: attempt === 2 ? ['retryable'] : [] }, cancelAt: { step, attempt } });
      }
    }
    await check({ skipInstall: false, dryRun: false, first: 'download_config_yaml', attempts: {}, cancelAt: { step: 'download_config_yaml', attempt: 1 } });
    await check({ skipInstall: false, dryRun: false, attempts: { upload_report: ['fatal'] }, cancelAt: { step: 'send_notification_emails', attempt: 1 } });
  });

  it('a resumed run starts none of the steps an earlier execution finished', async () => {
    const sets: Step[][] = [
      ['install_packages'],
      ['install_packages', 'execute_cloudwatchLog_injetion'],
      ['download_config_yaml'],
      ['install_packages', 'execute_cloudwatchLog_injetion', 'download_config_yaml', 'execute_logAnomaly'],
      ['install_packages', 'execute_cloudwatchLog_injetion', 'download_config_yaml', 'execute_logAnomaly', 'analyze_report'],
      ['install_packages', 'execute_cloudwatchLog_injetion', 'download_config_yaml', 'execute_logAnomaly', 'analyze_report', 'upload_report'],
      [...STEPS],
    ];
    for (const resumed of sets) {
      await check({ skipInstall: false, dryRun: false, attempts: {}, resumed });
      await check({ skipInstall: false, dryRun: false, attempts: { send_notification_emails: ['fatal'] }, resumed });
    }
  });

  it('each step gets what the steps before it produced, and the job', async () => {
    const run = (over: Partial<Scenario>) => drive({ skipInstall: false, dryRun: false, attempts: {}, ...over }, policies, () => RANDOM);
    const { inputs } = await run({});
    const ingest = OUTPUT.execute_cloudwatchLog_injetion as any;
    const config = OUTPUT.download_config_yaml as any;
    expect(inputs.install_packages).toEqual({ commands: JOB.installCommands, cwd: JOB.baseDir });
    expect(inputs.execute_cloudwatchLog_injetion).toEqual({ runDir: JOB.runDir, source: JOB.source, format: JOB.format, baseDir: JOB.baseDir });
    // The config download is told how many attempts it has (it falls back to its cache on the last).
    expect(inputs.download_config_yaml).toEqual({ runDir: JOB.runDir, source: JOB.detectionConfig, baseDir: JOB.baseDir, attempts: POLICY.attempts });
    expect(inputs.execute_logAnomaly).toEqual({
      runDir: JOB.runDir,
      eventsFile: ingest.eventsFile,
      config: config.config,
      detector: JOB.detector,
      mutesFile: JOB.mutesFile,
      baseDir: JOB.baseDir,
      format: JOB.format,
    });
    expect(inputs.analyze_report).toEqual({
      runDir: JOB.runDir,
      runId: 'r1',
      dryRun: false,
      anomaliesFile: (OUTPUT.execute_logAnomaly as any).anomaliesFile,
      config: config.config,
      configMeta: { version: '7', origin: 'o', etag: undefined, revision: undefined },
      ingest: { lines: ingest.lines, streams: ingest.streams, from: ingest.from, to: ingest.to, source: ingest.source },
      plannedReportUri: JOB.plannedReportUri,
      mutesFile: JOB.mutesFile,
    });
    expect(inputs.upload_report).toEqual({
      runDir: JOB.runDir,
      runId: 'r1',
      upload: JOB.upload,
      baseDir: JOB.baseDir,
      artifacts: ['report.json', 'report.md', 'report.html', 'anomalies.json', 'templates.csv'],
    });
    // The email links the report the upload filed, and carries the analysis.
    expect(inputs.send_notification_emails).toEqual({
      runDir: JOB.runDir,
      runId: 'r1',
      subjectPrefix: '[x]',
      smtp: JOB.smtp,
      analysis: OUTPUT.analyze_report,
      reportUri: (OUTPUT.upload_report as any).uri,
    });
    // Unfiled report: no link; resendUnknown passes through only when asked.
    const failedUpload = await run({ attempts: { upload_report: ['fatal'] }, resendUnknown: true });
    expect(failedUpload.inputs.send_notification_emails).toEqual({ ...inputs.send_notification_emails, reportUri: undefined, resendUnknown: true });
    expect('reportUri' in failedUpload.inputs.send_notification_emails).toBe(false);
    // A job without the optional parts passes none of them on (not even as undefined).
    const bare = await run({ bareJob: true });
    expect(Object.keys(bare.inputs.execute_logAnomaly).sort()).toEqual(['baseDir', 'config', 'detector', 'eventsFile', 'format', 'runDir']);
    expect('mutesFile' in bare.inputs.analyze_report).toBe(false);
    expect(bare.inputs.analyze_report.plannedReportUri).toBeUndefined();
    expect('resendUnknown' in bare.inputs.send_notification_emails).toBe(false);
    // A presigned link, when the upload gives one, is what the email links (the uri may be private).
    const signed = { uri: 's3://b/r1/report.html', link: 'https://b.example/r1/report.html?sig=1', files: [] };
    const linked = await run({ outputs: { upload_report: signed } });
    expect(linked.inputs.send_notification_emails.reportUri).toBe(signed.link);
    const dry = await run({ dryRun: true });
    expect(dry.inputs.analyze_report.dryRun).toBe(true);
    // The run's output: status, every step's output, no failure or cancel reason.
    const { output } = await run({});
    expect(output).toEqual({ status: 'completed', outputs: OUTPUT });
  });

  it('a failure carries the error; CANCEL carries its reason', async () => {
    const failed = await drive({ skipInstall: true, dryRun: false, attempts: { execute_logAnomaly: ['fatal'] } }, policies, () => RANDOM);
    expect(failed.output.failure).toEqual({ step: 'execute_logAnomaly', error: { name: 'PipelineError', code: 'CONFIG_INVALID', message: 'bad config', retryable: false } });
    const timedOut = await drive({ skipInstall: true, dryRun: false, attempts: { execute_logAnomaly: ['timeout', 'timeout', 'timeout'] } }, policies, () => RANDOM);
    expect(timedOut.output.failure.error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT', retryable: true });
    expect(timedOut.output.failure.error.message).toBe(`execute_logAnomaly timed out after ${policies.execute_logAnomaly.timeoutMs} ms (attempt 3)`);
    const cancelled = await drive({ skipInstall: true, dryRun: false, attempts: {}, cancelAt: { step: 'execute_logAnomaly', attempt: 1 } }, policies, () => RANDOM);
    expect(cancelled.output).toEqual({ status: 'cancelled', outputs: { execute_cloudwatchLog_injetion: OUTPUT.execute_cloudwatchLog_injetion, download_config_yaml: OUTPUT.download_config_yaml }, cancelReason: 'cancelled' });
    const sigterm = await drive({ skipInstall: true, dryRun: false, attempts: {}, cancelAt: { step: 'upload_report', attempt: 1, reason: 'SIGTERM' } }, policies, () => RANDOM);
    expect(sigterm.output).toMatchObject({ status: 'cancelled', cancelReason: 'SIGTERM' });
    expect(sigterm.output.failure).toBeUndefined();
  });
});
