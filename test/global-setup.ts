/**
 * Some tests drive the BUILT CLI (child processes, tmux). Build dist/ once, before any test file
 * runs, when it is missing or older than the sources (the same check as `npm start`:
 * scripts/build-if-stale.mjs), so `npm test` works on a fresh clone and no two test files race
 * to rebuild it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { cwd: root, stdio: 'inherit' });
  } catch {
    // tsc still emits on type errors; tests that need dist/ will fail on their own with a clear cause,
    // and unit tests that don't need it keep running. `npm run build` (CI) is the strict check.
    console.warn('global-setup: tsc reported errors; dist/ may be stale');
  }
}
