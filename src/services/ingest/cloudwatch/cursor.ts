/**
 * The resumable cursor. Per log group, a part file of fetched events (one JSON record a line) and a
 * cursor saved atomically AFTER each page is appended: the token of the next page, how many events
 * and bytes of the part file are committed, and the most recent event ids (to drop a page's
 * duplicates of the page before). A retried step or a re-executed run truncates the part file to
 * the committed size (a page written but not recorded is fetched again) and asks for the next page.
 *
 * `state.json` holds the resolved query: a re-executed run keeps the window its first attempt
 * resolved (`since: 1h` must not slide), as long as the settings still fingerprint the same.
 */
import { readFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../../util/atomic-write.js';
import type { ResolvedQuery } from './query.js';

export const STATE_DIR = 'cloudwatch';
/** Ids kept per group to drop duplicates across neighbouring pages; exact dedup happens at merge. */
export const SEEN_TAIL = 2_000;

export interface GroupCursor {
  /** Token of the next page to fetch; undefined before the first page. */
  readonly nextToken?: string;
  readonly done: boolean;
  readonly pages: number;
  readonly events: number;
  /** Committed length of the part file. */
  readonly bytes: number;
  readonly seenTail: readonly string[];
}

export interface RunState {
  readonly fingerprint: string;
  readonly query: ResolvedQuery;
}

export const EMPTY_CURSOR: GroupCursor = { done: false, pages: 0, events: 0, bytes: 0, seenTail: [] };

export const stateDir = (runDir: string) => join(runDir, STATE_DIR);
export const partPath = (runDir: string, i: number) => join(stateDir(runDir), `group-${i}.part.ndjson`);
const cursorPath = (runDir: string, i: number) => join(stateDir(runDir), `group-${i}.cursor.json`);
const statePath = (runDir: string) => join(stateDir(runDir), 'state.json');

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined; // absent or torn: start that piece over
  }
}

/** The saved state when its fingerprint matches; otherwise the old state is removed. */
export async function loadRunState(runDir: string, fingerprint: string): Promise<RunState | undefined> {
  const state = await readJson<RunState>(statePath(runDir));
  if (state?.fingerprint === fingerprint) return state;
  await rm(stateDir(runDir), { recursive: true, force: true });
  return undefined;
}

export async function saveRunState(runDir: string, state: RunState): Promise<void> {
  await mkdir(stateDir(runDir), { recursive: true });
  await writeJsonAtomic(statePath(runDir), state);
}

export async function loadCursor(runDir: string, i: number): Promise<GroupCursor> {
  const c = await readJson<GroupCursor>(cursorPath(runDir, i));
  return c && Number.isInteger(c.bytes) && Array.isArray(c.seenTail) ? c : EMPTY_CURSOR;
}

export async function saveCursor(runDir: string, i: number, cursor: GroupCursor): Promise<void> {
  await writeJsonAtomic(cursorPath(runDir, i), cursor);
}

