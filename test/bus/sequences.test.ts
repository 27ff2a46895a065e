/**
 * The bus events of whole runs, in order, for the main paths: a file per scenario under
 * __sequences__, recorded from the real machines and composition root with stub services. The
 * files were first written by the inspection-only adapter (before the machines emitted their own
 * events), so a change in how step events are produced that loses, duplicates or reorders an
 * event fails here. Times (at, startedAt, durationMs, nextAttemptAt) are left out; everything
 * else, seq order included, is compared.
 */
import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import type { BusEvent } from '../../src/bus/events.js';
import type { Services } from '../../src/contracts.js';
import type { DurableRun } from '../../src/durable/index.js';
import { ConfigError, NetworkError, PipelineError } from '../../src/errors.js';
import type { StepOutputs } from '../../src/machines/index.js';
import { startRun } from '../../src/runtime.js';
import type { ServiceContext } from '../../src/services/context.js';
import { hanging, settingsIn, stubServices, tempDir } from '../runtime/fixtures.js';

const TIMES = new Set(['at', 'startedAt', 'durationMs', 'nextAttemptAt', 'v', 'runId']);
const normalize = (e: BusEvent) => Object.fromEntries(Object.entries(e).filter(([k]) => !TIMES.has(k)));

/** Each service logs as it starts and before it returns, so step events are seen interleaved with service events. */
function chatty(services: Services): Services {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(services) as [keyof Services, (i: unknown, c: ServiceContext) => Promise<unknown>][]) {
    out[name] = async (input: unknown, ctx: ServiceContext) => {
      ctx.log.info(`${name} begins`, { attempt: ctx.attempt });
      const r = await fn(input, ctx);
      ctx.log.info(`${name} ends`);
      return r;
    };
  }
  return out as unknown as Services;
}

/** Fails the first `n` calls with `error`, then does what `ok` does. */
function failing<O>(n: number, error: () => Error, ok?: (i: any, c: ServiceContext) => Promise<O>) {
  let calls = 0;
  return async (input: any, ctx: ServiceContext): Promise<O> => {
    if (++calls <= n) throw error();
    if (!ok) throw error();
    return ok(input, ctx);
  };
}

function fakeDurable(resumed: StepOutputs): DurableRun {
  return { resumed, takenOver: [], leases: [], removedTemps: [], executions: 2, saveStep: () => Promise.resolve(), saveSnapshot: () => undefined, close: () => Promise.resolve() };
}

interface Scenario {
  readonly skipInstall?: boolean;
  readonly dryRun?: boolean;
  readonly services?: (base: Services) => Partial<Services>;
  readonly timeoutMs?: number;
  readonly attempts?: number;
  /** Long backoffs, so a CANCEL can land while a step waits to retry. */
  readonly slowBackoff?: boolean;
  readonly durable?: StepOutputs;
  /** Cancel once this promise resolves (a service in flight, or a step retrying). */
  readonly cancelWhen?: (events: BusEvent[]) => Promise<unknown>;
  readonly cancelAtOnce?: boolean;
}

async function record(s: Scenario): Promise<string> {
  const dir = tempDir();
  const bus = createBus({ runId: 'seq' });
  const events: BusEvent[] = [];
  bus.events$.subscribe((e) => events.push(e));
  const base = stubServices();
  const settings = settingsIn(dir, s.timeoutMs, s.attempts);
  const steps = s.slowBackoff
    ? (Object.fromEntries(Object.entries(settings.steps).map(([k, p]) => [k, { ...p, baseDelayMs: 600_000, maxDelayMs: 600_000 }])) as typeof settings.steps)
    : settings.steps;
  const handle = startRun({
    settings: { ...settings, steps },
    params: { runId: 'seq', skipInstall: !!s.skipInstall, dryRun: !!s.dryRun },
    bus,
    services: chatty({ ...base, ...s.services?.(base) }),
    random: () => 0.5,
    ...(s.durable ? { durable: fakeDurable(s.durable) } : {}),
  });
  if (s.cancelAtOnce) handle.cancel('test cancel');
  if (s.cancelWhen) {
    await s.cancelWhen(events);
    handle.cancel('test cancel');
  }
  await handle.result;
  // The temporary folder differs per run: named once, so the files compare.
  return (JSON.stringify(events.map(normalize), null, 1) + '\n').replaceAll(dir, '<dir>');
}

/** Resolves once an event matching `pred` is on the bus. */
function whenEvent(pred: (e: BusEvent) => boolean) {
  return (events: BusEvent[]) =>
    new Promise<void>((resolve) => {
      const poll = () => (events.some(pred) ? resolve() : setImmediate(poll));
      poll();
    });
}

const retryable = () => new NetworkError('connection reset');
const fatal = () => new PipelineError('CONFIG_INVALID', 'bad config', { retryable: false });

/** Cancel while the given service is in flight (it never finishes by itself). */
function cancelIn(service: keyof Services): Scenario {
  const h = hanging();
  return { services: () => ({ [service]: h.fn }), cancelWhen: () => h.started };
}

const stubs = stubServices();
const upToDetect: StepOutputs = {
  install_packages: { ran: 0 },
  execute_cloudwatchLog_injetion: await stubs.ingestLogs({ runDir: '/r' } as never, {} as never),
  download_config_yaml: await stubs.downloadConfig({ runDir: '/r' } as never, {} as never),
};

const SCENARIOS: Record<string, Scenario> = {
  happy: {},
  skip_install: { skipInstall: true },
  dry_run: { dryRun: true },
  'skip_install+dry_run': { skipInstall: true, dryRun: true },
  'retry-then-success': {
    services: ({ ingestLogs, executeLogAnomaly, sendNotificationEmails }) => ({
      ingestLogs: failing(1, retryable, ingestLogs),
      executeLogAnomaly: failing(1, retryable, executeLogAnomaly),
      sendNotificationEmails: failing(1, retryable, sendNotificationEmails),
    }),
  },
  'retry-analysis-then-success': { services: ({ analyzeReport, uploadReport }) => ({ analyzeReport: failing(1, retryable, analyzeReport), uploadReport: failing(1, retryable, uploadReport) }) },
  'fail-install-attempts-run-out': { services: () => ({ installPackages: failing(9, retryable) }) },
  'fail-config-fatal': { services: () => ({ downloadConfig: failing(9, fatal) }) },
  'fail-ingest-sibling-cancelled': (() => {
    const h = hanging();
    return {
      services: () => ({
        downloadConfig: h.fn,
        ingestLogs: async () => {
          await h.started;
          throw new ConfigError('CONFIG_INVALID', { file: 'settings.yaml', field: 'source.paths' }, 'no files match');
        },
      }),
    };
  })(),
  'fail-detect': { services: () => ({ executeLogAnomaly: failing(9, fatal) }) },
  'fail-analysis': { services: () => ({ analyzeReport: failing(9, fatal) }) },
  'fail-upload-still-notifies': { services: () => ({ uploadReport: failing(9, retryable) }) },
  'fail-upload-dry-run': { dryRun: true, services: () => ({ uploadReport: failing(9, fatal) }) },
  'fail-email': { services: () => ({ sendNotificationEmails: failing(9, fatal) }) },
  'timeout-detect': { timeoutMs: 40, services: () => ({ executeLogAnomaly: hanging().fn }) },
  'cancel-before-start': { cancelAtOnce: true },
  'cancel-install': cancelIn('installPackages'),
  'cancel-ingest': cancelIn('ingestLogs'),
  'cancel-config': cancelIn('downloadConfig'),
  'cancel-detect': cancelIn('executeLogAnomaly'),
  'cancel-analysis': cancelIn('analyzeReport'),
  'cancel-upload': cancelIn('uploadReport'),
  'cancel-email': cancelIn('sendNotificationEmails'),
  'cancel-while-retrying': {
    slowBackoff: true,
    services: () => ({ executeLogAnomaly: failing(9, retryable) }),
    cancelWhen: whenEvent((e) => e.type === 'step' && e.status === 'retrying'),
  },
  'cancel-config-while-retrying': {
    slowBackoff: true,
    services: () => ({ downloadConfig: failing(9, retryable), ingestLogs: hanging().fn }),
    cancelWhen: whenEvent((e) => e.type === 'step' && e.status === 'retrying'),
  },
  'resume-after-prepare': { durable: upToDetect },
  'resume-after-prepare-dry-run': { durable: upToDetect, dryRun: true },
  'resume-prepare-half': { durable: { execute_cloudwatchLog_injetion: upToDetect.execute_cloudwatchLog_injetion } },
};

describe('bus event sequences of whole runs', () => {
  for (const [name, s] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      await expect(await record(s)).toMatchFileSnapshot(`./__sequences__/${name}.json`);
    });
  }
});
