/**
 * Examples shown at the end of each command's `--help` (gh/kubectl style). Every line here is run
 * by test/cli/docs-commands.test.ts (as `--help` at least), so an example cannot name a flag that
 * does not exist.
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  'log-anomaly': [
    ['the bundled demo, live in the terminal UI', 'log-anomaly run'],
    ['the detector alone on two files', 'log-anomaly detect app.log db.log --baseline last-week.log.gz'],
    ['shell completion for bash', 'source <(log-anomaly completion bash)'],
  ],
  run: [
    ['the bundled demo (paced; q leaves the final screen)', 'log-anomaly run'],
    ['your settings, plain lines for a log file', 'log-anomaly run --config pipeline.yaml --headless'],
    ['the last hour of CloudWatch, events as NDJSON', 'log-anomaly run --config aws.yaml --since 1h --json'],
    ['analyze and report, but send no email', 'log-anomaly run --config pipeline.yaml --dry-run --run-id try-1'],
  ],
  watch: [
    ['a run that is going on or finished', 'log-anomaly watch 20261126-080000'],
    ['a run that has not started yet', 'log-anomaly watch nightly-42 --wait --tui'],
    ['every run, as NDJSON', 'log-anomaly watch --all --json'],
  ],
  runs: [
    ['the 20 newest runs in the local runs folder', 'log-anomaly runs'],
    ['failed or crashed runs of the last day', 'log-anomaly runs --config pipeline.yaml --status failed --status crashed --since 1d'],
    ['as JSON, for scripts', 'log-anomaly runs --json --limit 100'],
  ],
  serve: [
    ['run the schedules in pipeline.yaml here, /metrics on 9464', 'log-anomaly serve --config pipeline.yaml --metrics-port 9464'],
    ['queue the scheduled runs for workers instead', 'log-anomaly serve --config pipeline.yaml --nats nats://127.0.0.1:4222'],
  ],
  schedules: [
    ['next ticks and last run of each schedule', 'log-anomaly schedules --config pipeline.yaml'],
  ],
  submit: [
    ['queue a run and wait for its result', 'log-anomaly submit --config pipeline.yaml --wait'],
  ],
  worker: [
    ['take queued runs, two at a time', 'log-anomaly worker --config pipeline.yaml --concurrency 2'],
    ['with Prometheus /metrics on 127.0.0.1:9465', 'log-anomaly worker --config pipeline.yaml --metrics-port 9465'],
  ],
  parse: [
    ['templates of a Loghub-style file', 'log-anomaly parse HDFS_2k.log --format "<Date> <Time> <Pid> <Level> <Component>: <Content>"'],
    ['JSON lines, CSV to a file', 'log-anomaly parse app.jsonl --format json:message --out templates.csv'],
  ],
  detect: [
    ['files first, then the baseline (a shell glob is fine)', 'log-anomaly detect today/*.log --baseline last-week/*.log.gz'],
    ['baseline first: end its list with --', 'log-anomaly detect --baseline base.log -- today.log'],
    ['anomalies.json on stdout', 'log-anomaly detect app.log --json > anomalies.json'],
  ],
  mute: [
    ['silence a template for a week', 'log-anomaly mute 3fa2c1d0 --for 7d --reason "known noisy retry loop, OPS-88"'],
  ],
  accept: [
    ['accept a template as normal from now on', 'log-anomaly accept 3fa2c1d0 --reason "new health check, expected"'],
  ],
  unmute: [
    ['remove a mute or accept by its id (see mutes)', 'log-anomaly unmute m-20261126-1'],
  ],
  mutes: [
    ['mutes and accepts in force', 'log-anomaly mutes'],
    ['expired ones too, as JSON', 'log-anomaly mutes --all --json'],
  ],
  ui: [
    ['the dashboard of the local runs on http://127.0.0.1:4300/', 'log-anomaly ui'],
    ['another port, the runs of one settings file', 'log-anomaly ui --port 8088 --config settings.yaml'],
    ['on the LAN, every request carrying the token in $LAP_UI_TOKEN', 'log-anomaly ui --host 0.0.0.0 --token-env LAP_UI_TOKEN'],
  ],
  completion: [
    ['bash, for this shell', 'source <(log-anomaly completion bash)'],
    ['zsh, installed', 'log-anomaly completion zsh > "${fpath[1]}/_log-anomaly"'],
    ['fish, installed', 'log-anomaly completion fish > ~/.config/fish/completions/log-anomaly.fish'],
  ],
};

export function examplesText(command: string): string {
  const list = HELP_EXAMPLES[command];
  if (!list) return '';
  return '\nExamples:\n' + list.map(([what, cmd]) => `  # ${what}\n  $ ${cmd}\n`).join('');
}
