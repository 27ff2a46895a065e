/**
 * The external merge sort behind CloudWatch ingestion, with a tiny chunk so the spill-and-merge
 * path runs: global timestamp order, stable ties, exact dedup of ids across parts and runs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeParts } from '../../src/services/ingest/cloudwatch/merge.js';
import type { PartRecord } from '../../src/services/ingest/cloudwatch/fetch-group.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-merge-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const part = async (name: string, recs: PartRecord[]) => {
  const path = join(dir, name);
  await writeFile(path, recs.map((r) => JSON.stringify(r) + '\n').join(''));
  return path;
};

describe('mergeParts', () => {
  it('spills sorted runs and merges them in timestamp order, dropping duplicate ids exactly', async () => {
    // a pseudo-random but fixed order of 60 timestamps over two streams in part A, 20 in part B
    const a: PartRecord[] = Array.from({ length: 60 }, (_, i) => {
      const t = 1000 + ((i * 37) % 60) * 10;
      return { t, s: `g/${i % 2}`, m: `a${t}`, id: `a-${t}` };
    });
    a.push({ ...a[5] }, { ...a[40] }); // duplicates landing in other chunks
    const b: PartRecord[] = Array.from({ length: 20 }, (_, i) => ({ t: 1000 + i * 30, s: 'h/x', m: `b${i}`, id: `b-${i}`, ...(i === 3 ? { u: 1 as const } : {}) }));
    const parts = [await part('a.part', a), await part('b.part', b)];
    const target = join(dir, 'events.ndjson');
    const stats = await mergeParts(parts, target, dir, new AbortController().signal, 7);

    const events = (await readFile(target, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { timestamp: number; stream: string; message: string });
    expect(events).toHaveLength(80);
    expect(stats).toMatchObject({ lines: 80, duplicates: 2, unparsed: 1, from: 1000, to: 1590 });
    expect([...stats.streams].sort()).toEqual(['g/0', 'g/1', 'h/x']);
    for (let i = 1; i < events.length; i++) expect(events[i].timestamp).toBeGreaterThanOrEqual(events[i - 1].timestamp);
    // equal timestamps keep part order (a before b): t=1000 is a's then b's
    expect(events.slice(0, 2).map((e) => e.message)).toEqual(['a1000', 'b0']);
    // spilled runs are removed; only the events file remains besides the parts
    expect((await readdir(dir)).sort()).toEqual(['a.part', 'b.part', 'events.ndjson']);
  });

  it('leaves no events file when aborted', async () => {
    const p = await part('a.part', [{ t: 1, s: 's', m: 'm', id: '1' }]);
    const ac = new AbortController();
    ac.abort();
    await expect(mergeParts([p], join(dir, 'events.ndjson'), dir, ac.signal)).rejects.toThrow(/aborted/);
    expect((await readdir(dir)).filter((f) => f.includes('events'))).toEqual([]);
  });
});
