// Mutation testing (issue 14, point 10), one area at a time: `npm run test:mutation [-- AREA...]`
// (scripts/mutation.mjs sets MUTATION_AREA for each). Not in CI: the full set takes hours on two
// shared cores; results and reruns: BENCHMARKS.md, "Mutation testing".

/** What each area mutates, and the test files that exercise it (only those run: vitest.stryker.config.ts). */
export const AREAS = {
  machines: {
    mutate: ['src/machines/**/*.ts', '!src/machines/index.ts'],
    // load.test first (a machine that cannot be built fails a test there), the specification tests
    // (spec.ts), and the one model test that crashes a child flow (1 s);
    // the other model tests take 10x longer and check nothing the specification does not.
    testFiles: ['test/machines/load.test.ts', 'test/machines/spec.test.ts', 'test/machines/structure.test.ts', 'test/machines/post-process.model.test.ts', 'test/machines/emitted.test.ts'],
  },
  bus: {
    // The in-process bus and what derives its events; the NATS clients (connect, publish, replay,
    // requests) need a server per test and are left to their integration tests.
    mutate: ['src/bus/{bus,events,from-machines,journal}.ts', 'src/bus/nats/{sequencer,names}.ts'],
    testFiles: ['test/bus/*.test.ts', 'test/runtime/*.test.ts', 'test/tui/run-view.test.ts', 'test/nats/sequencer.test.ts'],
    // Static mutants here are constant tables; each would rerun every test above (minutes apiece).
    ignoreStatic: true,
  },
  // The services (~4,600 lines) in five parts, each with the test files that exercise it, so each
  // can be run and reported on its own: report alone is 731 mutants and notify 1,202, about half an
  // hour and over an hour at one runner on two shared cores. The index files (each picks an
  // implementation) stay out, as before.
  'services-report': {
    mutate: ['src/services/analyze-report.ts', 'src/services/report/*.ts'],
    testFiles: ['test/services/analyze-report.test.ts', 'test/services/report-rules.test.ts', 'test/services/report-golden.test.ts'],
    ignoreStatic: true,
  },
  'services-notify': {
    mutate: ['src/services/{send-emails,send-notifications,send-webhooks}.ts', 'src/services/{email,webhook}/*.ts'],
    testFiles: ['test/services/send-emails.test.ts', 'test/services/send-notifications.test.ts', 'test/services/send-webhooks.test.ts', 'test/services/notify-golden.test.ts'],
    ignoreStatic: true,
  },
  'services-upload': {
    mutate: ['src/services/upload/*.ts', '!src/services/upload/{index,types}.ts'],
    testFiles: ['test/services/upload-*.test.ts'],
    ignoreStatic: true,
  },
  'services-ingest': {
    mutate: ['src/services/ingest/**/*.ts', '!src/services/ingest/index.ts'],
    testFiles: ['test/services/cloudwatch*.test.ts', 'test/services/ingest-file*.test.ts'],
    ignoreStatic: true,
  },
  'services-setup': {
    // Config download, package install, the detect step and the service context.
    mutate: ['src/services/{context,download-config,install-packages,detect,detect-external}.ts', 'src/services/config-source/*.ts'],
    testFiles: ['test/services/download-config-*.test.ts', 'test/services/install-packages.test.ts', 'test/services/detect.test.ts'],
    ignoreStatic: true,
  },
  // The detector in five parts, each with the fast unit tests that exercise it: all of
  // test/detector at once was 1,647 mutants and an estimated 8 hours at one runner (a surviving
  // engine mutant reran every test that runs the engine). Left out everywhere: the Loghub and
  // generated-log end-to-end tests (no-incident, detect-generator, loghub-accuracy), cancel-cpu
  // (seconds of detection per test), the parser/miner tests and the randomized merge-invariants
  // tests (seconds each, rerun for every surviving mutant).
  'detector-engine': {
    mutate: ['src/detector/engine.ts'],
    // In this order (vitest.stryker.config.ts): the engine's own counters on a handful of lines
    // first, then the broad detect-kinds, so most mutants die early.
    testFiles: [
      'test/detector/engine-counters.test.ts', 'test/detector/detect-kinds.test.ts', 'test/detector/notices.test.ts', 'test/detector/detect-traffic.test.ts',
      'test/detector/engine-input.test.ts', 'test/detector/stream-silence.test.ts', 'test/detector/baseline-model.test.ts',
    ],
    ignoreStatic: true,
  },
  // The numbers and words every finding is built from: count tails, formats, the time grid, variants.
  'detector-stats': {
    mutate: ['src/detector/detect/{stats,buckets,explain,variants}.ts'],
    testFiles: ['test/detector/detect-stats.test.ts', 'test/detector/detect-findings.test.ts', 'test/detector/detect-kinds.test.ts', 'test/detector/detect-rhythm.test.ts'],
    ignoreStatic: true,
    // an infinite-loop mutant is cut short (its covering tests take a few seconds; the engine's
    // take longer and vary more under load, so it keeps the default)
    timeoutMS: 5_000,
  },
  // The detectors that read the counters: frequency (spike, drop, silence), error rate, stream silence, new and rare templates.
  'detector-findings': {
    mutate: ['src/detector/detect/{frequency,error-rate,stream-silence,templates}.ts'],
    testFiles: [
      'test/detector/detect-findings.test.ts', 'test/detector/detect-kinds.test.ts', 'test/detector/detect-traffic.test.ts',
      'test/detector/notices.test.ts', 'test/detector/stream-silence.test.ts', 'test/detector/detect-rhythm.test.ts',
      'test/detector/baseline-model.test.ts',
    ],
    ignoreStatic: true,
    timeoutMS: 5_000,
  },
  'detector-sessions': {
    mutate: ['src/detector/detect/{sessions,session-detector,session-score,heap-growth}.ts'],
    testFiles: ['test/detector/detect-sessions.test.ts', 'test/detector/session-tracker.test.ts', 'test/detector/detect-kinds.test.ts'],
    ignoreStatic: true,
    timeoutMS: 5_000,
  },
  // Where open sessions live (typed arrays, the key table, the sample arena): loops over slots
  // and byte offsets, each tested on its own.
  'detector-session-store': {
    mutate: ['src/detector/detect/{open-sessions,session-keys,sample-arena}.ts'],
    testFiles: ['test/detector/session-tracker.test.ts', 'test/detector/session-keys.test.ts', 'test/detector/sample-arena.test.ts'],
    ignoreStatic: true,
    timeoutMS: 5_000,
  },
};

const area = process.env.MUTATION_AREA ?? 'machines';
if (!(area in AREAS)) throw new Error(`MUTATION_AREA=${area}: one of ${Object.keys(AREAS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // related: vitest's import graph finds no tests for our .js-suffixed imports; the area's include list narrows instead.
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  // Each mutant runs only the tests that executed it in the dry run.
  coverageAnalysis: 'perTest',
  mutate: AREAS[area].mutate,
  // Two cores shared by several people: one test runner.
  concurrency: 1,
  // Reruns test only mutants whose code or covering tests changed (reports/ is git-ignored).
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${area}.json`,
  // Not for the machines: a machine's graph is built at module load, so most of its mutants are static.
  ignoreStatic: AREAS[area].ignoreStatic ?? false,
  timeoutMS: AREAS[area].timeoutMS ?? 15_000,
  dryRunTimeoutMinutes: 20,
  ignorePatterns: ['dist', 'runs', 'bench-out', 'bench/.venv', 'coverage', '.cache', 'reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${area}.html` },
  jsonReporter: { fileName: `reports/mutation/${area}.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
