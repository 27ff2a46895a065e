/**
 * The command table. Thin by design: each action lazily imports its command module, which
 * exports a plain async function `(options, io) => exit code` and throws on bad input; and only
 * the commands the arguments reach are declared.
 * Only main.ts turns results and errors into process exit codes.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from './io.js';
import { examplesText } from './help-examples.js';
// Each command declares its options; type-only imports are erased, so a command's module still
// loads only when that command runs.
import type { RunOptions } from './commands/run.js';
import type { WatchOptions } from './commands/watch.js';
import type { RunsOptions } from './commands/runs.js';
import type { SubmitOptions } from './commands/submit.js';
import type { WorkerOptions } from './commands/worker.js';
import type { ServeOptions } from './commands/serve.js';
import type { SchedulesOptions } from './commands/schedules.js';
import type { ParseOptions } from './commands/parse.js';
import type { DetectOptions } from './commands/detect.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--metrics-port must be 0-65535 (0: any free port), got "${v}"`);
  return n;
};
const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
  return n;
};

/** Every command, in the order `--help` lists them. */
const COMMANDS = ['run', 'watch', 'ui', 'runs', 'serve', 'schedules', 'submit', 'worker', 'parse', 'detect', 'mute', 'accept', 'unmute', 'mutes', 'completion'];

/**
 * The commands `argv` needs declared: the one it runs, none for a lone `--version`, else all (help,
 * an unknown command's suggestions, `completion`, which lists them all). Declaring all 15 with
 * their options is about a tenth of what `detect` on a small file costs at start (BENCHMARKS.md).
 */
function commandsFor(argv: readonly string[] | undefined): ReadonlySet<string> {
  const first = argv?.[2];
  if (first !== undefined && first !== 'completion' && COMMANDS.includes(first)) return new Set([first]);
  if (argv?.length === 3 && (first === '--version' || first === '-V')) return new Set();
  return new Set(COMMANDS);
}

/** The command table; given `argv`, only the part of it that argv reaches (see commandsFor). */
export function buildProgram(io: CliIo, onResult: (code: number) => void, argv?: readonly string[]): Command {
  const wanted = commandsFor(argv);
  const declare = (name: string) => wanted.has(name);
  const program = new Command('log-anomaly')
    .description('Pull a window of logs, find what is anomalous in them, tell the right people, and file a report.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showSuggestionAfterError(true);

  if (declare('run')) {
    program
      .command('run')
      .description('run the pipeline (TUI on a terminal; plain lines or NDJSON otherwise)')
      .option('-c, --config <file>', 'pipeline settings YAML (default: the bundled demo)')
      .option('--run-id <id>', 'run id, [A-Za-z0-9._-]{1,64} (default: UTC YYYYMMDD-HHMMSS)')
      .option('--skip-install', 'skip install_packages')
      .option('--dry-run', 'analyze and report, but send no email')
      .option('--resend-unknown', 'send again (same Message-ID) emails whose delivery an interrupted run left unknown')
      .option('--out-dir <dir>', 'where runs/<run_id>/ goes (overrides output.dir)')
      .option('--json', 'NDJSON events on stdout (implies --headless)')
      .option('--headless', 'plain lines, never the TUI')
      .option('--nats <url>', 'publish events to NATS (also NATS_URL); comma-separate several servers')
      .option('--require-nats', 'fail instead of running in-process only when NATS is unreachable')
      .option('--since <duration>', 'CloudWatch window ending now, e.g. 1h, 30m')
      .option('--from <iso>', 'CloudWatch window start (ISO-8601)')
      .option('--to <iso>', 'CloudWatch window end (ISO-8601)')
      .option('--pace', 'TUI: show each step for at least 1.5 s and keep the final screen until q (default for the demo)')
      .option('--no-pace', 'TUI: show the run at its own speed and leave when it ends (default for other settings)')
      .option('--resume <runId>', 'continue run RUN_ID from its last finished step (same settings)')
      .option('--force', 'with --resume: resume even though the settings changed')
      .action(async (opts: RunOptions) => {
        const { run } = await import('./commands/run.js');
        onResult(await run(opts, io));
      });
  }

  if (declare('watch')) {
    program
      .command('watch')
      .description('replay a run from NATS JetStream, then follow it live')
      .argument('[runId]', 'the run to watch (default: the next run to start)')
      .option('--wait', 'RUN_ID has not started yet: wait for it (without --wait an unknown run exits 1)')
      .option('--all', 'follow every run')
      .option('--json', 'NDJSON events')
      .option('--tui', 'the terminal UI instead of lines')
      .option('--nats <url>', 'NATS server(s) (also NATS_URL)')
      .option('-c, --config <file>', 'pipeline settings (for nats settings)')
      .action(async (runId: string | undefined, opts: WatchOptions) => {
        const { watch } = await import('./commands/watch.js');
        onResult(await watch({ ...opts, runId }, io));
      });
  }

  if (declare('ui')) {
    program
      .command('ui')
      .description('a web dashboard of the local runs: list, live run pages, findings, reports (bound to 127.0.0.1)')
      .option('--port <n>', 'port (0 picks a free one)', (v: string) => { const n = Number(v); if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be 0-65535, got "${v}"`); return n; }, 4300)
      .option('--host <addr>', 'address to bind (default 127.0.0.1; another one needs --token-env)')
      .option('--token-env <name>', 'environment variable holding a token every request must carry')
      .option('--out-dir <dir>', 'the runs folder (default: output.dir of the settings)')
      .option('-c, --config <file>', 'pipeline settings (for output.dir)')
      .action(async (opts: { port?: number; host?: string; tokenEnv?: string; outDir?: string; config?: string }) => {
        const { ui } = await import('./commands/ui.js');
        onResult(await ui(opts, io));
      });
  }

  if (declare('runs')) {
    program
      .command('runs')
      .description('recent runs, newest first: the local runs folder, merged with the NATS KV registry when NATS is configured')
      .option('--json', 'JSON output')
      .option('-n, --limit <n>', 'how many', int('--limit'), 20)
      .addOption(new Option('--status <status>', 'only runs with this status (repeatable): completed, failed, cancelled, running, running?, crashed, unreadable').argParser(collect))
      .option('--since <when>', 'only runs started since: a duration (2h, 7d) or an ISO time')
      .option('--out-dir <dir>', 'the runs folder (default: output.dir of the settings)')
      .option('--nats <url>', 'also list the NATS KV registry (also NATS_URL)')
      .option('-c, --config <file>', 'pipeline settings (output.dir, nats settings; default: the bundled demo)')
      .action(async (opts: RunsOptions) => {
        const { runs } = await import('./commands/runs.js');
        onResult(await runs(opts, io));
      });
  }

  if (declare('serve')) {
    program
      .command('serve')
      .description('run the settings\' schedules (in this process; with --nats, queued for workers); SIGTERM stops')
      .option('-c, --config <file>', 'pipeline settings YAML with a schedules: list')
      .option('--dry-run', 'analyze and report, but send no email')
      .option('--skip-install', 'skip install_packages')
      .option('--out-dir <dir>', 'where runs/<run_id>/ goes (overrides output.dir)')
      .option('--nats <url>', 'submit scheduled runs to workers on NATS (also NATS_URL or nats: in the settings)')
      .option('--metrics-port <port>', 'serve Prometheus /metrics on this port (0: any free port)', port)
      .option('--metrics-host <addr>', 'address for /metrics', '127.0.0.1')
      .option('--grace-seconds <n>', 'on SIGTERM, wait this long for the run in flight before cancelling it', int('--grace-seconds'), 30)
      .action(async (opts: ServeOptions) => {
        const { serve } = await import('./commands/serve.js');
        onResult(await serve(opts, io));
      });
  }

  if (declare('schedules')) {
    program
      .command('schedules')
      .description('each schedule\'s next ticks and its last run')
      .option('-c, --config <file>', 'pipeline settings YAML with a schedules: list')
      .option('-n, --count <n>', 'how many next ticks', int('--count'), 3)
      .option('--json', 'JSON output')
      .action(async (opts: SchedulesOptions) => {
        const { schedules } = await import('./commands/schedules.js');
        onResult(await schedules(opts, io));
      });
  }

  if (declare('submit')) {
    program
      .command('submit')
      .description('queue a run request for workers (NATS JetStream work queue)')
      .option('-c, --config <file>', 'pipeline settings YAML')
      .option('--run-id <id>', 'run id')
      .option('--skip-install', 'skip install_packages')
      .option('--dry-run', 'send no email')
      .option('--wait', 'follow the run like watch and exit with its code')
      .option('--json', 'NDJSON events when waiting')
      .option('--nats <url>', 'NATS server(s) (also NATS_URL)')
      .action(async (opts: SubmitOptions) => {
        const { submit } = await import('./commands/submit.js');
        onResult(await submit(opts, io));
      });
  }

  if (declare('worker')) {
    program
      .command('worker')
      .description('take run requests from NATS and run them (SIGTERM drains)')
      .option('--concurrency <n>', 'runs at once', int('--concurrency'), 1)
      .option('--grace-seconds <n>', 'on SIGTERM, wait this long for runs before cancelling them', int('--grace-seconds'), 30)
      .option('--ack-wait-seconds <n>', 'a request not acknowledged for this long goes to another worker (default 30, or LOG_ANOMALY_ACK_WAIT_SECONDS)', int('--ack-wait-seconds'))
      .option('--nats <url>', 'NATS server(s) (also NATS_URL)')
      .option('-c, --config <file>', 'pipeline settings (for nats settings)')
      .option('--metrics-port <port>', 'serve Prometheus /metrics on this port (0: any free port)', port)
      .option('--metrics-host <addr>', 'address for /metrics', '127.0.0.1')
      .action(async (opts: WorkerOptions) => {
        const { worker } = await import('./commands/worker.js');
        onResult(await worker(opts, io));
      });
  }

  if (declare('parse')) {
    program
      .command('parse')
      .description('mine templates: one CSV row per parsed line (LineId,EventId,EventTemplate)')
      .argument('<file>', 'log file, plain or gzip (or a directory holding one)')
      .option('--format <fmt>', 'auto (default: detect from the first lines), a format name (postgresql, syslog, access-log... see docs/detection.md), json[:<messageField>], logfmt, raw, or a loghub pattern "<Date> <Time> <Level> <Component>: <Content>"')
      .addOption(new Option('--mask <regex>', 'extra masking regex (repeatable)').argParser(collect))
      .option('-o, --out <file.csv>', 'write CSV here instead of stdout')
      .option('-q, --quiet', 'no progress bar (shown on a terminal for long files) and no format notes on stderr')
      .action(async (file: string, opts: Omit<ParseOptions, 'file'>) => {
        const { parse } = await import('./commands/parse.js');
        onResult(await parse({ ...opts, file }, io));
      });
  }

  if (declare('detect')) {
    program
      .command('detect')
      .description('the detector alone: anomalies in FILES against a baseline')
      // Optional here so that `detect --baseline B A` (the variadic flag took A too) gets a message
      // that says what happened, not commander's "missing argument"; commands/detect.ts checks.
      .argument('[files...]', 'log files, directories (read recursively) or globs; plain or gzip; put them before --baseline')
      // Variadic: `--baseline b1.log b2.log` (a shell glob) as well as repeated flags; it takes every
      // argument up to the next flag or `--`.
      .addOption(new Option('--baseline <files...>', 'normal logs to learn from (several files, or repeat the flag); after FILES, or end its list with --'))
      .option('--format <fmt>', 'log format (as for parse)')
      .option('--json', 'print anomalies.json')
      .option('-c, --config <file>', 'detection config YAML (thresholds, rules)')
      .option('--session-key <regex>', 'regex that captures a session id (request/trace/block id)')
      .addOption(new Option('--mask <regex>', 'extra masking regex (repeatable)').argParser(collect))
      .option('--max-line-bytes <n>', 'truncate longer lines to this many bytes (default 65536)', int('--max-line-bytes'))
      .option('-q, --quiet', 'no progress bar (shown on a terminal for long inputs, not with --json) and no format notes on stderr')
      .action(async (files: string[], opts: Omit<DetectOptions, 'files'>) => {
        const { detect } = await import('./commands/detect.js');
        onResult(await detect({ ...opts, files }, io));
      });
  }

  if (declare('mute')) {
    program
      .command('mute')
      .description('silence a template (or one kind of finding on it) for a while; the next runs report it as muted')
      .argument('<target>', 'template id (8 hex), finding id (kind:templateId...) or the template text')
      .requiredOption('--for <duration>', 'how long: 90m, 12h, 7d, 2w')
      .requiredOption('--reason <text>', 'why, for the next person on call')
      .option('-c, --config <file>', 'pipeline settings (where the mutes file is)')
      .action(async (target: string, opts: { for: string; reason: string; config?: string }) => {
        const { mute } = await import('./commands/mutes.js');
        onResult(await mute({ ...opts, target }, io));
      });
  }

  if (declare('accept')) {
    program
      .command('accept')
      .description('accept a template (or one kind of finding on it) as normal: no more findings, and the baseline learns it')
      .argument('<target>', 'template id (8 hex), finding id (kind:templateId...) or the template text')
      .requiredOption('--reason <text>', 'why, for the next person on call')
      .option('-c, --config <file>', 'pipeline settings (where the mutes file is)')
      .action(async (target: string, opts: { reason: string; config?: string }) => {
        const { accept } = await import('./commands/mutes.js');
        onResult(await accept({ ...opts, target }, io));
      });
  }

  if (declare('unmute')) {
    program
      .command('unmute')
      .description('remove a mute or accept by its id (see mutes)')
      .argument('<id>', 'entry id, m-...')
      .option('-c, --config <file>', 'pipeline settings (where the mutes file is)')
      .action(async (id: string, opts: { config?: string }) => {
        const { unmute } = await import('./commands/mutes.js');
        onResult(await unmute({ ...opts, id }, io));
      });
  }

  if (declare('mutes')) {
    program
      .command('mutes')
      .description('list mutes and accepts with their expiry')
      .option('--all', 'include expired mutes')
      .option('--json', 'JSON output')
      .option('-c, --config <file>', 'pipeline settings (where the mutes file is)')
      .action(async (opts: { all?: boolean; json?: boolean; config?: string }) => {
        const { listMutes } = await import('./commands/mutes.js');
        onResult(await listMutes(opts, io));
      });
  }

  if (declare('completion')) {
    program
      .command('completion')
      .description('print a shell completion script (bash, zsh or fish)')
      .argument('<shell>', 'bash, zsh or fish')
      .action(async (shell: string) => {
        const { completionScript } = await import('./completion.js');
        io.stdout.write(completionScript(program, shell));
        onResult(0);
      });
  }

  program.addHelpText('after', examplesText('log-anomaly'));
  for (const c of program.commands) c.addHelpText('after', examplesText(c.name()));
  return program;
}
