/**
 * The part files of all log groups into one events file ordered by timestamp (hence by timestamp
 * per stream), without holding the window in memory: an external merge sort. Parts are read in
 * chunks of at most CHUNK_EVENTS records, each chunk sorted (stably) and spilled to a sorted run,
 * then the runs are merged through a small heap. A window that fits one chunk skips the spill.
 *
 * Deduplication by event id is exact here: copies of an event share its timestamp, so only the
 * ids seen at the current timestamp need remembering.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '../../../errors.js';
import { OWN_NDJSON_MAX_LINE_BYTES, readLineBatches } from '../../../detector/input/read-lines.js';
import { createEventsWriter } from '../events-writer.js';
import type { PartRecord } from './fetch-group.js';

export const CHUNK_EVENTS = 100_000;

export interface MergeStats {
  lines: number;
  unparsed: number;
  duplicates: number;
  from: number | null;
  to: number | null;
  streams: Set<string>;
}

interface Head {
  rec: PartRecord;
  run: number;
  next: () => Promise<PartRecord | undefined>;
}

const before = (a: Head, b: Head) => a.rec.t < b.rec.t || (a.rec.t === b.rec.t && a.run < b.run);

function siftDown(h: Head[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && before(h[l], h[m])) m = l;
    if (r < h.length && before(h[r], h[m])) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m], h[i]];
    i = m;
  }
}

function siftUp(h: Head[], i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(h[i], h[p])) return;
    [h[i], h[p]] = [h[p], h[i]];
    i = p;
  }
}

function recordReader(path: string, signal: AbortSignal): () => Promise<PartRecord | undefined> {
  const batches = readLineBatches(path, { signal, maxLineBytes: OWN_NDJSON_MAX_LINE_BYTES });
  let batch: string[] = [];
  let i = 0;
  return async () => {
    for (;;) {
      while (i < batch.length) {
        const line = batch[i++];
        if (line.length > 0) return JSON.parse(line) as PartRecord;
      }
      const n = await batches.next();
      if (n.done) return undefined;
      batch = n.value;
      i = 0;
    }
  };
}

export async function mergeParts(
  parts: readonly string[],
  target: string,
  workDir: string,
  signal: AbortSignal,
  chunkEvents = CHUNK_EVENTS,
): Promise<MergeStats> {
  const stats: MergeStats = { lines: 0, unparsed: 0, duplicates: 0, from: null, to: null, streams: new Set() };
  const runs: string[] = [];
  let chunk: PartRecord[] = [];
  const byTime = (a: PartRecord, b: PartRecord) => a.t - b.t;
  const spill = async () => {
    chunk.sort(byTime);
    const path = join(workDir, `sorted-${runs.length}.ndjson`);
    const fh = await open(path, 'w');
    try {
      for (let i = 0; i < chunk.length; i += 5_000) {
        await fh.write(chunk.slice(i, i + 5_000).map((r) => JSON.stringify(r) + '\n').join(''));
      }
    } finally {
      await fh.close();
    }
    runs.push(path);
    chunk = [];
  };
  for (const part of parts) {
    for await (const batch of readLineBatches(part, { signal, maxLineBytes: OWN_NDJSON_MAX_LINE_BYTES })) {
      for (const line of batch) if (line.length > 0) chunk.push(JSON.parse(line) as PartRecord);
      if (chunk.length >= chunkEvents) await spill();
    }
  }
  const out = await createEventsWriter(target);
  let lastT = Number.NaN;
  const idsAtT = new Set<string>();
  const emit = (r: PartRecord) => {
    if (r.t !== lastT) {
      lastT = r.t;
      idsAtT.clear();
    }
    const key = `${r.s}\u0000${r.id}`;
    if (idsAtT.has(key)) {
      stats.duplicates++;
      return;
    }
    idsAtT.add(key);
    stats.lines++;
    if (r.u) stats.unparsed++;
    stats.streams.add(r.s);
    if (stats.from === null || r.t < stats.from) stats.from = r.t;
    if (stats.to === null || r.t > stats.to) stats.to = r.t;
    out.write({ timestamp: r.t, stream: r.s, message: r.m, ...(r.l ? { level: r.l } : {}) });
  };
  try {
    if (runs.length === 0) {
      chunk.sort(byTime);
      for (let i = 0; i < chunk.length; i++) {
        emit(chunk[i]);
        if (i % 5_000 === 4_999) await out.flush();
      }
      chunk = [];
    } else {
      if (chunk.length > 0) await spill();
      const heap: Head[] = [];
      for (const [run, path] of runs.entries()) {
        const next = recordReader(path, signal);
        const rec = await next();
        if (rec) {
          heap.push({ rec, run, next });
          siftUp(heap, heap.length - 1);
        }
      }
      let n = 0;
      while (heap.length > 0) {
        const top = heap[0];
        emit(top.rec);
        const rec = await top.next();
        if (rec) top.rec = rec;
        else {
          heap[0] = heap[heap.length - 1];
          heap.pop();
        }
        if (heap.length > 0) siftDown(heap, 0);
        if (++n % 5_000 === 0) {
          throwIfAborted(signal, 'merging CloudWatch events');
          await out.flush();
        }
      }
    }
    throwIfAborted(signal, 'merging CloudWatch events');
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  } finally {
    await Promise.all(runs.map((r) => rm(r, { force: true })));
  }
  return stats;
}
