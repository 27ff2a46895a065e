/**
 * External data (Loghub-2k, labeled HDFS) lives beside the repository in ../shared/data, not in it.
 * A fresh clone has none: tests that need it skip with a printed reason. CI has it, and there a
 * missing folder is a failure, not a skip (vitest.config passes the runner's CI flag on as
 * LOG_ANOMALY_REQUIRE_DATA, because test processes themselves run with CI=false).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface SharedData {
  /** The folder asked for, under SHARED_DATA or ../shared/data. */
  readonly dir: string;
  /** False when a path the test needs is missing (the test skips; in CI this throws instead). */
  readonly present: boolean;
}

export const SHARED_DATA_DIR = resolve(process.env.SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data'));

/** Where an external data set is, and whether it is there; `needs` are paths inside it that must exist. */
export function sharedData(what: string, sub: string, needs: readonly string[] = []): SharedData {
  const dir = join(SHARED_DATA_DIR, sub);
  const missing = [dir, ...needs.map((n) => join(dir, n))].find((p) => !existsSync(p));
  if (missing === undefined) return { dir, present: true };
  const reason = `${what}: ${missing} not found (external data, not in the repository; set SHARED_DATA to its folder)`;
  if (process.env.LOG_ANOMALY_REQUIRE_DATA === '1') {
    throw new Error(`${reason}; CI requires it (LOG_ANOMALY_REQUIRE_DATA=1)`);
  }
  console.warn(`skipping ${reason}`);
  return { dir, present: false };
}
