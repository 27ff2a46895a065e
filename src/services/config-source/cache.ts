/**
 * The last good copy of each config URL: one JSON file per URL (keyed by a hash of the URL),
 * holding the body with its ETag and revision, written atomically so body and ETag always match
 * (a torn pair would make a 304 serve the wrong config).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../util/atomic-write.js';

export interface CacheEntry {
  /** The URL without credentials or query (what is safe to show). */
  readonly url: string;
  readonly etag?: string;
  readonly revision?: string;
  readonly version: string;
  readonly body: string;
  readonly savedAt: string;
}

export function cachePathFor(cacheDir: string, url: string): string {
  return join(cacheDir, createHash('sha256').update(url).digest('hex').slice(0, 32) + '.json');
}

export async function readCache(path: string): Promise<CacheEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheEntry>;
    return typeof entry.body === 'string' && typeof entry.url === 'string' ? (entry as CacheEntry) : undefined;
  } catch {
    return undefined; // no cache yet, or a damaged one: behave as if there were none
  }
}

export async function writeCache(path: string, entry: CacheEntry): Promise<void> {
  await writeJsonAtomic(path, entry);
}
