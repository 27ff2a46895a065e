/**
 * The pipeline's specification, written from the README ("The pipeline") and the original DAG, not
 * from the machines: what a run must do when each step's attempts end the way a scenario says.
 * Nothing here imports src/: a wrong transition in a machine disagrees with this file and fails
 * spec.test.ts, where a model derived from the machine itself would call it expected.
 *
 * - install_packages, skipped (never started) when skip_install;
 * - prepare_prerequisite: ingestion and the config download start together; done when both are,
 *   failed as soon as one fails (the other is aborted);
 * - execute_logAnomaly;
 * - report_postProcess: analyze_report, then upload_report, then send_notification_emails (skipped
 *   when dry_run); a failed analysis stops there; a failed upload still sends the emails and fails
 *   the run at upload_report; a failed email fails the run; the first failure is the run's;
 * - every step: up to N attempts; a dropped connection and a timeout are retried, a bad config is
 *   not; the wait before attempt k+1 is round(min(max, base * 2^(k-1)) * random); a timeout aborts
 *   the attempt; a step an earlier execution finished is not run again;
 * - CANCEL aborts what is in flight and ends the run cancelled.
 */

export const STEPS = [
  'install_packages',
  'execute_cloudwatchLog_injetion',
  'download_config_yaml',
  'execute_logAnomaly',
  'analyze_report',
  'upload_report',
  'send_notification_emails',
] as const;
export type Step = (typeof STEPS)[number];

/** Where each step sits in the original DAG. */
export const PATH: Record<Step, string> = {
  install_packages: 'install_packages',
  execute_cloudwatchLog_injetion: 'prepare_prerequisite/execute_cloudwatchLog_injetion',
  download_config_yaml: 'prepare_prerequisite/download_config_yaml',
  execute_logAnomaly: 'execute_logAnomaly',
  analyze_report: 'report_postProcess/analyze_report',
  upload_report: 'report_postProcess/upload_report',
  send_notification_emails: 'report_postProcess/analyze_report/send_notification_emails',
};

/** How one attempt ends: success, a dropped connection, a bad config, or no answer before the timeout. */
export type Attempt = 'ok' | 'retryable' | 'fatal' | 'timeout';
export const ERROR_CODE: Record<Exclude<Attempt, 'ok'>, string> = { retryable: 'NETWORK', fatal: 'CONFIG_INVALID', timeout: 'TIMEOUT' };

export const PARALLEL = ['execute_cloudwatchLog_injetion', 'download_config_yaml'] as const;
type ParallelStep = (typeof PARALLEL)[number];

export interface Scenario {
  readonly skipInstall: boolean;
  readonly dryRun: boolean;
  /** Each step's attempts in order; a step not listed succeeds at once. */
  readonly attempts: Partial<Record<Step, readonly Attempt[]>>;
  /** Steps an earlier execution of the run finished. */
  readonly resumed?: readonly Step[];
  /** CANCEL arrives while this attempt is in flight. */
  readonly cancelAt?: { readonly step: Step; readonly attempt: number; readonly reason?: string };
  /** Which prerequisite the driver lets finish first (the other's first attempt waits meanwhile). */
  readonly first?: ParallelStep;
  /** Passed through to the emails (not part of the DAG's logic). */
  readonly resendUnknown?: boolean;
  /** The job without its optional parts (mutes file, SMTP, planned report URI). */
  readonly bareJob?: boolean;
  /** What steps return instead of the driver's defaults. */
  readonly outputs?: Partial<Record<Step, unknown>>;
}

export interface Policy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface Expected {
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly failure?: { readonly step: string; readonly code: string };
  /** Attempts started, in order (the two prerequisites' first attempts as a pair, ingestion first). */
  readonly starts: Step[];
  /** Attempts aborted while in flight (timeouts, a failed sibling, CANCEL). */
  readonly aborted: Step[];
  /** The backoff waits scheduled, per step, in order. */
  readonly backoffs: Partial<Record<Step, number[]>>;
  /** Steps whose output the run ends with (checked unless cancelled). */
  readonly outputs: Step[];
  /** Steps passed over, and why: `skip_install`, `dry_run`, or `resumed` (an earlier execution finished it). */
  readonly skipped: Partial<Record<Step, string>>;
}

export function expected(s: Scenario, policy: (step: Step) => Policy, random: number): Expected {
  const starts: Step[] = [];
  const aborted: Step[] = [];
  const backoffs: Partial<Record<Step, number[]>> = {};
  const outputs = new Set<Step>(s.resumed ?? []);
  const skipped: Partial<Record<Step, string>> = {};
  let failure: Expected['failure'];
  let cancelled = false;
  const fail = (step: Step, a: Attempt) => (failure ??= { step: PATH[step], code: ERROR_CODE[a as Exclude<Attempt, 'ok'>] });

  /** One step's attempts; `started`: its first attempt has already been started. */
  const run = (step: Step, started = false): 'done' | 'failed' | 'cancelled' => {
    if (s.resumed?.includes(step)) {
      skipped[step] = 'resumed';
      return 'done';
    }
    const p = policy(step);
    for (let k = 1; ; k++) {
      if (!(started && k === 1)) starts.push(step);
      if (s.cancelAt?.step === step && s.cancelAt.attempt === k) {
        aborted.push(step);
        cancelled = true;
        return 'cancelled';
      }
      const a = s.attempts[step]?.[k - 1] ?? 'ok';
      if (a === 'ok') {
        outputs.add(step);
        return 'done';
      }
      if (a === 'timeout') aborted.push(step);
      if (a === 'fatal' || k >= p.attempts) {
        fail(step, a);
        return 'failed';
      }
      (backoffs[step] ??= []).push(Math.round(Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (k - 1)) * random));
    }
  };

  const pipeline = (): void => {
    if (s.skipInstall) skipped.install_packages = 'skip_install';
    else if (run('install_packages') !== 'done') return;
    const first = s.first ?? PARALLEL[0];
    const second = first === PARALLEL[0] ? PARALLEL[1] : PARALLEL[0];
    const secondPending = !s.resumed?.includes(second);
    const firstRuns = !s.resumed?.includes(first);
    if (firstRuns || secondPending) {
      for (const p of PARALLEL) if (!s.resumed?.includes(p)) starts.push(p);
    }
    const r = run(first, true);
    if (r !== 'done') {
      if (secondPending) aborted.push(second);
      return;
    }
    if (run(second, true) !== 'done') return;
    if (run('execute_logAnomaly') !== 'done') return;
    if (run('analyze_report') !== 'done') return;
    if (run('upload_report') === 'cancelled') return;
    if (!s.dryRun) run('send_notification_emails');
    else skipped.send_notification_emails = 'dry_run';
  };
  pipeline();
  const status = cancelled ? 'cancelled' : failure ? 'failed' : 'completed';
  return { status, ...(failure && !cancelled ? { failure } : {}), starts, aborted, backoffs, outputs: STEPS.filter((x) => outputs.has(x)), skipped };
}
