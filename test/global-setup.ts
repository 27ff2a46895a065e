/**
 * Some tests drive the BUILT CLI (child processes, tmux). Build dist/ once, before any test file
 * runs, when it is missing or older than the sources, so `npm test` works on a fresh clone and
 * no two test files race to rebuild it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  const built = join(root, 'dist', 'cli', 'main.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(root, 'src'))) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    // tsc still emits on type errors; tests that need dist/ will fail on their own with a clear cause,
    // and unit tests that don't need it keep running. `npm run build` (CI) is the strict check.
    console.warn('global-setup: tsc reported errors; dist/ may be stale');
  }
}
