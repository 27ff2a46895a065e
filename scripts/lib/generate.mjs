// The generator loop: next event (request arrival or background tick) -> lines into a time-ordered
// heap -> per-service files, streamed with backpressure so 10M lines never sit in memory.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { createRng } from './prng.mjs';
import { createHeap } from './heap.mjs';
import { createTraffic, diurnal, SERVICES, LINES_PER_REQUEST, BACKGROUND_PER_SECOND } from './traffic.mjs';
import { scheduleIncidents } from './incidents.mjs';

export const TEXT_FORMAT = '<Date> <Time> <Level> <Component>: <Content>';
export const JSON_FORMAT_FLAG = 'json:msg,ts=ts,level=level,stream=service';
export const SESSION_KEY = 'req=([0-9a-f]{16})';

/** Options: lines, seed, out, incidents (kinds), start (ISO), format ('text'|'json'), rate (lines/s), durationMs, gzip, incidentMinutes. */
export async function generateLogs(opts) {
  const maxLines = opts.lines ?? 100_000;
  const seed = opts.seed ?? 1;
  const format = opts.format ?? 'text';
  const rate = opts.rate ?? 20;
  const startMs = Date.parse(opts.start ?? '2026-11-26T08:00:00Z');
  if (!Number.isFinite(startMs)) throw new Error(`--start: not an ISO date: ${opts.start}`);
  const endLimit = opts.durationMs !== undefined ? startMs + opts.durationMs : Infinity;
  const spanMs = opts.durationMs ?? (maxLines / rate) * 1000;
  const incidents = scheduleIncidents(opts.incidents ?? [], startMs, spanMs, opts.incidentMinutes);
  const rng = createRng(seed);
  const heap = createHeap();

  const incidentAt = (kind, t) => {
    for (const inc of incidents) if (inc.kind === kind && t >= inc.start && t < inc.end) return inc;
    return undefined;
  };
  const emit = (t, service, level, msg, inc) => {
    if (inc) inc.injectedLines++;
    heap.push(t, [service, level, msg]);
  };
  const traffic = createTraffic(rng, emit, incidentAt);
  const reqRate = Math.max(0.02, (rate - BACKGROUND_PER_SECOND) / LINES_PER_REQUEST);

  await mkdir(opts.out, { recursive: true });
  const ext = (format === 'json' ? '.jsonl' : '.log') + (opts.gzip ? '.gz' : '');
  const files = {};
  const sinks = {};
  for (const svc of SERVICES) {
    const path = join(opts.out, svc + ext);
    const file = createWriteStream(path, { highWaterMark: 1 << 20 });
    const stream = opts.gzip ? createGzip({ level: 9 }) : file;
    if (opts.gzip) stream.pipe(file);
    sinks[svc] = { stream, file, buf: [], size: 0, lines: 0 };
    files[svc] = path;
  }

  let written = 0;
  let lastTs = startMs;
  let secKey = -1;
  let secPrefix = '';
  const line = (t, [svc, level, msg]) => {
    if (format === 'json') return JSON.stringify({ ts: new Date(t).toISOString(), level, service: svc, msg });
    const sec = Math.floor(t / 1000);
    if (sec !== secKey) {
      secKey = sec;
      secPrefix = new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
    }
    return `${secPrefix}.${String(t - sec * 1000).padStart(3, '0')} ${level} ${svc}: ${msg}`;
  };
  const flushSink = async (s) => {
    if (s.buf.length === 0) return;
    const ok = s.stream.write(s.buf.join(''));
    s.buf = [];
    s.size = 0;
    if (!ok) await once(s.stream, 'drain');
  };
  const writeUpTo = async (limitTs) => {
    while (heap.size > 0 && heap.peekTs() <= limitTs && written < maxLines) {
      const t = heap.peekTs();
      if (t >= endLimit) {
        heap.pop();
        continue;
      }
      const item = heap.pop();
      const s = sinks[item[0]];
      const text = line(t, item) + '\n';
      s.buf.push(text);
      s.size += text.length;
      s.lines++;
      written++;
      lastTs = t;
      if (s.size > 1 << 18) await flushSink(s);
    }
  };

  let t = startMs;
  let nextReq = startMs + rng.exp(1000 / (reqRate * diurnal(startMs)));
  const timers = traffic.background.map(([period, offset, fn]) => ({ period, next: startMs + offset, fn }));
  while (written < maxLines && t < endLimit) {
    let timer = null;
    for (const tm of timers) if (!timer || tm.next < timer.next) timer = tm;
    if (nextReq <= timer.next) {
      t = nextReq;
      traffic.request(Math.round(t));
      nextReq = t + rng.exp(1000 / (reqRate * diurnal(t)));
    } else {
      t = timer.next;
      timer.fn(Math.round(t));
      timer.next += timer.period;
    }
    // Lines can be scheduled up to a few seconds after their request; anything older is final.
    await writeUpTo(t - 10_000);
  }
  await writeUpTo(Infinity);
  for (const s of Object.values(sinks)) {
    await flushSink(s);
    s.stream.end();
    await once(s.file, 'close');
  }

  const truth = {
    generator: 'scripts/generate-logs.mjs',
    seed,
    lines: written,
    start: new Date(startMs).toISOString(),
    end: new Date(lastTs).toISOString(),
    format: format === 'json' ? { type: 'json', messageField: 'msg', timestampField: 'ts', levelField: 'level', streamField: 'service' } : { type: 'loghub', pattern: TEXT_FORMAT },
    formatFlag: format === 'json' ? JSON_FORMAT_FLAG : TEXT_FORMAT,
    sessionKey: SESSION_KEY,
    // File names relative to --out, so the ground truth travels with the logs.
    files: Object.fromEntries(SERVICES.map((s) => [s, { file: basename(files[s]), lines: sinks[s].lines }])),
    incidents: incidents.map((i) => ({ ...i, start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() })),
  };
  await writeFile(join(opts.out, 'ground-truth.json'), JSON.stringify(truth, null, 2) + '\n');
  return truth;
}
