import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain ESM script without types
import { generateLogs } from '../../scripts/lib/generate.mjs';
import { runDetector, fileSource, mergeSources } from '../../src/detector/index.js';
import { createLineParser } from '../../src/detector/format/index.js';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detector/defaults.js';

const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];

describe('log generator', () => {
  it('is deterministic: same seed, same bytes; another seed, other bytes', async () => {
    const opts = { lines: 3000, rate: 30, start: '2026-11-26T10:00:00Z', incidents: ['frequency_spike'] };
    const [a, b, c] = await Promise.all([1, 1, 2].map(async (seed) => {
      const out = await mkdtemp(join(tmpdir(), 'gen-'));
      await generateLogs({ ...opts, seed, out });
      return Promise.all(SERVICES.map((s) => readFile(join(out, `${s}.log`), 'utf8')));
    }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.join('').split('\n').filter(Boolean)).toHaveLength(3000);
    // time-ordered within each file
    for (const text of a) {
      const ts = text.split('\n').filter(Boolean).map((l) => l.slice(0, 23));
      expect([...ts].sort()).toEqual(ts);
    }
  });

  it('writes ground truth, and detect finds every injected incident', async () => {
    const base = await mkdtemp(join(tmpdir(), 'gen-base-'));
    const win = await mkdtemp(join(tmpdir(), 'gen-win-'));
    await generateLogs({ out: base, seed: 3, rate: 6, start: '2026-11-26T06:00:00Z', durationMs: 3 * 3600_000, lines: Infinity });
    const truth = await generateLogs({ out: win, seed: 4, rate: 6, incidentMinutes: 20, start: '2026-11-26T09:00:00Z', durationMs: 2 * 3600_000, lines: Infinity, incidents: ['new_template', 'frequency_spike', 'frequency_drop', 'silence', 'error_rate_surge', 'session_anomaly'] });
    expect(JSON.parse(await readFile(join(win, 'ground-truth.json'), 'utf8')).incidents).toHaveLength(6);
    expect((await readdir(win)).sort()).toEqual(['api-gateway.log', 'auth.log', 'ground-truth.json', 'payments.log', 'worker.log']);
    const parser = createLineParser(truth.format);
    const src = (dir: string) => [mergeSources(SERVICES.map((s) => fileSource(join(dir, `${s}.log`), parser)))];
    const r = await runDetector(src(win), { config: DEFAULT_DETECTION_CONFIG, baselineSources: src(base), sessionKey: truth.sessionKey, orderedInput: true });
    for (const inc of truth.incidents) {
      const from = Date.parse(inc.start);
      const to = Date.parse(inc.end);
      const hit = r.doc.anomalies.some((a) => a.kind === inc.kind && (a.lastSeen ?? 0) >= from && (a.firstSeen ?? 0) < to + 10 * 60_000);
      expect(hit, `${inc.kind} ${inc.start}`).toBe(true);
    }
  }, 60_000);
});
