import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
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
// eslint-disable-next-line @typescript-eslint/no-unsafe-member-access -- AREAS comes from a plain .mjs file without types (see the import)
const testFiles = (AREAS[area] as { testFiles: string[] }).testFiles;

/**
 * Test files in the order the area lists them: Stryker's runner stops at the first failing test,
 * and vitest's own order (slowest file first) made a killed mutant wait for the slowest file first.
 */
class AreaOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = testFiles.findIndex((t) => f.moduleId.endsWith(t));
      return i === -1 ? testFiles.length : i;
    };
    // stable: files a glob matched keep vitest's order among themselves
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// Spread, not mergeConfig: mergeConfig concatenates arrays, so the full suite's include would stay.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    globalSetup: [],
    include: testFiles,
    sequence: { ...base.test?.sequence, sequencer: AreaOrder },
    exclude: ['test/detector/loghub-accuracy.test.ts', 'test/detector/miner-parse-cli.test.ts'],
  },
});
