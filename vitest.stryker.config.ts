import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';
// @ts-expect-error: a plain .mjs config without types
import { AREAS } from './stryker.config.mjs';

/**
 * The tests mutation testing runs for MUTATION_AREA (stryker.config.mjs): only that area's test
 * files. Chosen here, not with Stryker's `testFiles`: with testFiles, Stryker 9.6.1 activates a
 * static mutant after its module has loaded, so every one "survives" (stryker-js issue #6144).
 * No global setup: nothing here needs dist/.
 */
const area = (process.env.MUTATION_AREA ?? 'machines') as keyof typeof AREAS;

// Spread, not mergeConfig: mergeConfig concatenates arrays, so the full suite's include would stay.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    globalSetup: [],
    // eslint-disable-next-line @typescript-eslint/no-unsafe-member-access -- AREAS comes from a plain .mjs file without types (see the import)
    include: (AREAS[area] as { testFiles: string[] }).testFiles,
    exclude: ['test/detector/loghub-accuracy.test.ts', 'test/detector/miner-parse-cli.test.ts'],
  },
});
