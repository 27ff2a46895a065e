// Writes the four-style "unseen content" corpus (scripts/lib/unseen-styles.mjs): one file per
// style, an equal share of the lines each, and corpus.json naming each file's --format.
// Same seed and line count -> byte-identical files.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRng } from './prng.mjs';
import { createVocabulary, freeTextLine, jsonLine, accessLine, traceLines, ACCESS_FORMAT, TRACE_FORMAT } from './unseen-styles.mjs';

export const UNSEEN_STYLES = [
  { name: 'free-text', file: 'free-text.log', format: '<Timestamp> <Level> <Component>: <Content>', make: (r, v, t) => [freeTextLine(r, v, t)] },
  { name: 'json-lines', file: 'events.jsonl', format: 'json:msg,ts=ts,level=level', make: (r, v, t) => [jsonLine(r, v, t)] },
  { name: 'access-log', file: 'access.log', format: ACCESS_FORMAT, make: (r, v, t) => [accessLine(r, v, t)] },
  { name: 'traces', file: 'traces.log', format: TRACE_FORMAT, make: traceLines },
];

/** opts: out (dir), lines (total, default 300,000), seed, start (ISO), rate (lines/s per file). */
export async function generateUnseen(opts) {
  const total = opts.lines ?? 300_000;
  const seed = opts.seed ?? 1;
  const rate = opts.rate ?? 50;
  const startMs = Date.parse(opts.start ?? '2026-11-26T08:00:00Z');
  await mkdir(opts.out, { recursive: true });
  const files = [];
  for (const [i, style] of UNSEEN_STYLES.entries()) {
    const rng = createRng(seed * 101 + i);
    const vocab = createVocabulary(rng);
    const want = Math.floor(total / UNSEEN_STYLES.length) + (i < total % UNSEEN_STYLES.length ? 1 : 0);
    const path = join(opts.out, style.file);
    const ws = createWriteStream(path);
    let t = startMs;
    let n = 0;
    let chunk = [];
    while (n < want) {
      t += rng.exp(1000 / rate);
      for (const line of style.make(rng, vocab, Math.floor(t))) {
        if (n >= want) break;
        chunk.push(line);
        n++;
      }
      if (chunk.length >= 2000) {
        if (!ws.write(chunk.join('\n') + '\n')) await once(ws, 'drain');
        chunk = [];
      }
    }
    if (chunk.length) ws.write(chunk.join('\n') + '\n');
    ws.end();
    await once(ws, 'finish');
    files.push({ style: style.name, file: style.file, format: style.format, lines: n });
  }
  const manifest = { seed, lines: total, files };
  await writeFile(join(opts.out, 'corpus.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
