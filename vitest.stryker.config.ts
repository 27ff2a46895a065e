import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The test files mutation testing runs (stryker.config.mjs): the unit and loopback tests of the
 * mutated areas. Left out: tests that drive the built CLI in child processes (dist/ never holds a
 * mutant, so they cannot kill one and only cost minutes), the tmux/browser end-to-end tests, and
 * the Loghub accuracy runs. No global setup: nothing here needs dist/.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      globalSetup: [],
      include: [
        'test/machines/**/*.test.ts',
        'test/services/**/*.test.ts',
        'test/runtime/**/*.test.ts',
        'test/detector/**/*.test.ts',
        'test/nats/{sequencer,publish-replay,restart,connect}.test.ts',
        'test/tui/{run-view,pace-events}.test.ts',
        'test/util/retry.test.ts',
      ],
      exclude: ['test/detector/loghub-accuracy.test.ts', 'test/detector/miner-parse-cli.test.ts'],
    },
  }),
);
