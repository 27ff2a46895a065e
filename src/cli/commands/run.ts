/**
 * `log-anomaly run`: load and validate settings, start the run, and show it (TUI, lines or NDJSON).
 * Everything shown comes from bus events; this file only wires the pieces together.
 */
import { join, resolve } from 'node:path';
import { createBus, type Bus } from '../../bus/bus.js';
import type { BusEvent } from '../../bus/events.js';
import { defaultSettingsFile, loadSettings } from '../../config/settings.js';
import type { PipelineSettings } from '../../config/settings-types.js';
import { UsageError, messageOf } from '../../errors.js';
import { generateRunId, leaseIntervalFrom, openDurableRun, runDirFor, settingsHash, startRun, validateRunId, type DurableRun } from '../../runtime.js';
import { formatEventLine } from '../format-event.js';
import { createProgressBar, type ProgressBar } from '../progress-bar.js';
import type { CliIo } from '../io.js';
import type { Lease } from '../../durable/lease.js';

/** What commander hands the action (program.ts declares the flags). */
export interface RunOptions {
  config?: string;
  runId?: string;
  skipInstall?: boolean;
  dryRun?: boolean;
  resendUnknown?: boolean;
  outDir?: string;
  json?: boolean;
  headless?: boolean;
  nats?: string;
  requireNats?: boolean;
  since?: string;
  from?: string;
  to?: string;
  /** true/false from --pace/--no-pace; undefined: on for the bundled demo only. */
  pace?: boolean;
  resume?: string;
  force?: boolean;
}

export type OutputMode = 'tui' | 'lines' | 'json';

/** How long the paced TUI shows each step as running, at least (`--pace`). */
export const PACE_STEP_MS = 1500;

/** `--pace` is on by default for the bundled demo only: a person watches it; real runs go at full speed. */
export function paceFor(opts: Pick<RunOptions, 'pace' | 'config'>, cwd: string): boolean {
  if (opts.pace !== undefined) return opts.pace;
  return opts.config === undefined || resolve(cwd, opts.config) === defaultSettingsFile();
}

/** The same test Ink uses, so the CLI and Ink never disagree about being in CI. */
function inCi(env: NodeJS.ProcessEnv): boolean {
  return ['CI', 'CONTINUOUS_INTEGRATION'].some((k) => k in env && env[k] !== '0' && env[k] !== 'false');
}

export function outputModeFor(opts: Pick<RunOptions, 'json' | 'headless'>, io: Pick<CliIo, 'stdout' | 'env'>): OutputMode {
  if (opts.json) return 'json';
  if (opts.headless || !io.stdout.isTTY || inCi(io.env) || io.env.TERM === 'dumb') return 'lines';
  return 'tui';
}

/** Command-line overrides of the settings file (CloudWatch window, output dir). */
export function applyOverrides(settings: PipelineSettings, opts: RunOptions): PipelineSettings {
  let s = applyOutDir(settings, opts);
  if (opts.since || opts.from || opts.to) {
    if (s.source.type !== 'cloudwatch') {
      throw new UsageError('--since/--from/--to apply to a cloudwatch source only; this settings file reads files');
    }
    if (opts.since && (opts.from || opts.to)) throw new UsageError('use either --since or --from/--to, not both');
    const window = opts.since ? { since: opts.since, from: undefined, to: undefined } : { since: undefined, from: opts.from, to: opts.to };
    s = { ...s, source: { ...s.source, ...window } };
  }
  return s;
}

/** The window flags are checked now, as bad input (exit 2), not when ingestion starts. */
async function checkWindowFlags(settings: PipelineSettings, opts: RunOptions): Promise<void> {
  if (settings.source.type !== 'cloudwatch' || !(opts.since || opts.from || opts.to)) return;
  const { resolveTimeWindow } = await import('../../services/ingest/cloudwatch/query.js');
  try {
    resolveTimeWindow(settings.source);
  } catch (err) {
    throw new UsageError(`--since/--from/--to: ${messageOf(err)}`, { cause: err });
  }
}

function applyOutDir(settings: PipelineSettings, opts: RunOptions): PipelineSettings {
  let s = settings;
  if (opts.outDir) {
    const dir = resolve(opts.outDir);
    // A local upload left at its default (<output.dir>/uploads) follows the output directory.
    const upload = s.upload.type === 'local' && s.upload.dir === join(s.output.dir, 'uploads') ? { ...s.upload, dir: join(dir, 'uploads') } : s.upload;
    s = { ...s, upload, output: { ...s.output, dir } };
  }
  return s;
}

function attachPrinter(bus: Bus, mode: 'lines' | 'json', io: CliIo): void {
  // lines mode on a terminal: a bar for work that reports bytes of a known total (file ingestion)
  const bars = new Map<string, ProgressBar>();
  bus.events$.subscribe((e: BusEvent) => {
    if (mode === 'json') {
      io.stdout.write(JSON.stringify(e) + '\n');
      return;
    }
    if (e.type === 'progress' && e.unit === 'bytes' && e.total !== undefined) {
      let bar = bars.get(e.step);
      if (!bar) bars.set(e.step, (bar = createProgressBar({ stream: io.stderr, total: e.total, label: e.step.split('/').pop() ?? e.step })));
      bar.update(e.current);
    }
    if (e.type === 'step' && e.status !== 'running') {
      bars.get(e.step)?.done();
      bars.delete(e.step);
    }
    const line = formatEventLine(e);
    if (line === undefined) return;
    // the bar shares the terminal with these lines: wipe it first, the next update redraws it
    for (const b of bars.values()) b.clear();
    io.stdout.write(line + '\n');
  });
}

export async function run(opts: RunOptions, io: CliIo): Promise<number> {
  if (opts.resume && opts.runId && opts.resume !== opts.runId) throw new UsageError(`--resume ${opts.resume} and --run-id ${opts.runId} name different runs`);
  if (opts.force && !opts.resume) throw new UsageError('--force only applies to --resume');
  const runId = opts.resume ?? opts.runId ?? generateRunId();
  validateRunId(runId);
  const settings = applyOverrides(await loadSettings(opts.config, { cwd: io.cwd, env: io.env }), opts);
  await checkWindowFlags(settings, opts);
  const mode = outputModeFor(opts, io);
  const bus = createBus({ runId });
  const flags = { skipInstall: !!opts.skipInstall, dryRun: !!opts.dryRun };

  const log = (level: string, msg: string) => io.stderr.write(`log-anomaly: ${level}: ${msg}\n`);
  const nats = await connectNats(bus, opts, settings, io, log);
  // The lease first (a second execution stops here, exit 1), then what a resume needs (exit 2 if refused).
  let durable: DurableRun;
  try {
    durable = await openDurableRun({
      runDir: runDirFor(settings, runId),
      runId,
      hash: settingsHash(settings, flags),
      resume: !!opts.resume,
      force: !!opts.force,
      leaseIntervalMs: leaseIntervalFrom(io.env),
      extraLeases: nats?.lease ? [nats.lease] : [],
      onWarn: (msg) => log('warn', msg),
    });
  } catch (err) {
    await nats?.close();
    throw err;
  }

  let ui: Promise<void> | undefined;
  let cancel: (reason: string) => void = () => {};
  if (mode === 'tui') {
    const { renderRunTui } = await import('../../tui/render.js');
    const pace = paceFor(opts, io.cwd);
    ui = renderRunTui({
      events$: bus.events$,
      mode: 'local',
      onCancel: () => cancel('cancelled from the terminal UI'),
      paceMs: pace ? PACE_STEP_MS : undefined,
      holdFinal: pace,
      holdOnFailure: true,
    });
  } else {
    attachPrinter(bus, mode, io);
  }

  const handle = startRun({
    settings,
    params: { runId, ...flags, ...(opts.resendUnknown ? { resendUnknown: true } : {}) },
    bus,
    durable,
  });
  cancel = (reason) => handle.cancel(reason);

  // First SIGINT/SIGTERM cancels cleanly (aborting whatever is in flight); a second one forces.
  let signals = 0;
  const off = io.onSignal((sig) => {
    signals += 1;
    if (signals === 1) {
      if (mode !== 'json') io.stderr.write(`\nlog-anomaly: ${sig}: cancelling run ${runId} (again to force)\n`);
      handle.cancel(`${sig} received`);
    } else {
      process.exit(130);
    }
  });
  try {
    const result = await handle.result;
    bus.complete();
    await ui;
    return result.exitCode;
  } finally {
    off();
    await nats?.close();
  }
}

async function connectNats(
  bus: Bus,
  opts: RunOptions,
  settings: PipelineSettings,
  io: CliIo,
  log: (level: string, msg: string) => void,
): Promise<{ close(): Promise<void>; lease?: (runId: string) => Promise<Lease> } | null> {
  // Only load the NATS client when NATS is asked for: a plain local run never pays for it.
  if (!opts.nats && !io.env.NATS_URL && !settings.nats) {
    if (opts.requireNats) throw new UsageError('--require-nats needs --nats URL, NATS_URL or nats.servers in the settings');
    return null;
  }
  const { resolveNatsServers, attachNatsPublisher } = await import('../../bus/nats/publish.js');
  const servers = resolveNatsServers(opts.nats, io.env, settings.nats);
  if (!servers || servers.length === 0) {
    if (opts.requireNats) throw new UsageError('--require-nats needs --nats URL, NATS_URL or nats.servers in the settings');
    return null;
  }
  const handle = await attachNatsPublisher(bus, { servers, settings: settings.nats, require: !!opts.requireNats, log, env: io.env });
  if (!handle) return null;
  const { acquireNatsLease, openLeaseKv } = await import('../../durable/lease-nats.js');
  const intervalMs = leaseIntervalFrom(io.env);
  return {
    close: () => handle.close(),
    lease: async (runId) => acquireNatsLease(await openLeaseKv(handle.connection, handle.names.prefix), { runId, intervalMs, onWarn: (m) => log('warn', m) }),
  };
}
