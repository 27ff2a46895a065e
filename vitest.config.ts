import { defineConfig } from 'vitest/config';

// Read before the test env below overrides CI: under a CI runner, tests that need the external
// data in ../shared fail when it is missing instead of skipping (test/helpers/shared-data.ts).
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
const requireData = process.env.LOG_ANOMALY_REQUIRE_DATA ?? (ci ? '1' : '0');

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // CI=true (set by the CI runner) makes Ink render only the last frame on exit; the TUI tests
    // assert live frames, so test processes run as on a developer machine. Commands that choose
    // plain output under CI are tested with CI set explicitly on their child processes.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false', LOG_ANOMALY_REQUIRE_DATA: requireData },
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // 2 cores: real servers (SMTP, HTTP, NATS) per file; keep forks few so timing-sensitive
    // protocol tests are not starved.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
