// Mutation testing (issue 14, point 10): `npm run test:mutation`; one area at a time with
// `npm run test:mutation -- --mutate 'src/machines/**/*.ts'`. Not in CI: it takes tens of minutes.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  // Each mutant runs only the tests that executed it in the dry run.
  coverageAnalysis: 'perTest',
  mutate: [
    'src/machines/**/*.ts',
    'src/services/**/*.ts',
    'src/bus/**/*.ts',
    'src/detector/engine.ts',
    'src/detector/detect/**/*.ts',
    // Barrels and type-only files (machines/types.ts has initialRetryContext: mutated): nothing to mutate that a test could observe.
    '!src/**/index.ts',
    '!src/services/upload/types.ts',
    '!src/detector/detect/types.ts',
  ],
  // Two cores shared by several people: one test runner.
  concurrency: 1,
  // Reruns test only mutants whose code or covering tests changed (reports/ is git-ignored).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Not ignoreStatic: a machine's graph is built at module load, so its mutants are all static.
  ignoreStatic: false,
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 20,
  ignorePatterns: ['dist', 'runs', 'bench-out', 'bench/.venv', 'coverage', '.cache', 'reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
