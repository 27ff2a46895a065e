/**
 * The scheduler's memory across restarts: the last tick each schedule fired, in
 * `<output.dir>/.schedules/state.json` (written atomically). Catch-up counts missed ticks from it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../util/atomic-write.js';

export interface ScheduleState {
  get(name: string): Date | undefined;
  set(name: string, at: Date): Promise<void>;
}

export function stateFile(outputDir: string): string {
  return join(outputDir, '.schedules', 'state.json');
}

export async function loadScheduleState(file: string): Promise<ScheduleState> {
  let last: Record<string, string> = {};
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as { lastTick?: Record<string, string> };
    if (doc && typeof doc.lastTick === 'object' && doc.lastTick) last = { ...doc.lastTick };
  } catch {
    // No state yet (first start) or a damaged file: start as if nothing ran, which is catch-up's safe side.
  }
  let writing: Promise<void> = Promise.resolve();
  return {
    get(name) {
      const v = last[name];
      const t = v ? Date.parse(v) : NaN;
      return Number.isNaN(t) ? undefined : new Date(t);
    },
    set(name, at) {
      last[name] = at.toISOString();
      const snapshot = { v: 1, lastTick: { ...last } };
      // Serialize writes so an older snapshot never lands after a newer one.
      writing = writing.then(() => writeJsonAtomic(file, snapshot)).catch(() => undefined);
      return writing;
    },
  };
}

/** For tests and `schedules --json` without a file. */
export function memoryScheduleState(initial: Record<string, Date> = {}): ScheduleState {
  const last = new Map(Object.entries(initial));
  return { get: (n) => last.get(n), set: (n, at) => {
    last.set(n, at);
    return Promise.resolve();
  } };
}
