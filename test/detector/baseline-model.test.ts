import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDetector, arraySource, loadModel, saveModel, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import { line, spread, T0, MIN } from './detect-helpers.js';

const cfg = DEFAULT_DETECTION_CONFIG;
const HOUR = 60 * MIN;
const PHRASES = ['gateway accepted request number', 'cache refreshed entries count', 'scheduler woke up with jobs'];
const traffic = (from: number, kinds: number) =>
  Array.from({ length: kinds }, (_, k) => spread(from, HOUR, 120, (i) => `${PHRASES[k]} ${i}`)).flat();

describe('baseline model', () => {
  it('round-trips through the model file and keeps template ids stable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-'));
    const first = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(traffic(T0, 3))] });
    const path = join(dir, 'model.json');
    await saveModel(path, first.model);
    const loaded = await loadModel(path);
    expect(loaded).toEqual(JSON.parse(JSON.stringify(first.model)));
    // Same lines again against the loaded model: known templates, nothing new.
    const again = await runDetector([arraySource(traffic(T0 + HOUR, 3))], { config: cfg, model: loaded });
    expect(again.doc.anomalies.filter((a) => a.kind === 'new_template')).toEqual([]);
    expect(new Set(again.templates.map((t) => t.id))).toEqual(new Set(Object.keys(first.model.templates)));
    expect(again.model.lines).toBe(first.model.lines + 360);
    expect(again.model.buckets).toBeGreaterThan(first.model.buckets);
  });

  it('re-running the same window does not learn it twice', async () => {
    const first = await runDetector([arraySource(traffic(T0, 2))], { config: cfg });
    const again = await runDetector([arraySource(traffic(T0, 2))], { config: cfg, model: first.model });
    expect(again.model.buckets).toBe(first.model.buckets);
    expect(again.model.lines).toBe(first.model.lines);
  });

  it('stays within maxTemplates, evicting the least seen', async () => {
    const lines = [...traffic(T0, 2), ...Array.from({ length: 20 }, (_, k) => line(T0 + k * MIN, `rare${k} thing happened here once`))];
    const r = await runDetector([arraySource(lines)], { config: cfg, maxTemplates: 3 });
    const kept = Object.values(r.model.templates).map((t) => t.template);
    expect(kept).toHaveLength(3);
    expect(kept.filter((t) => !t.includes('happened'))).toHaveLength(2);
  });

  it('a missing model file is no model; a broken one names the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-'));
    expect(await loadModel(join(dir, 'none.json'))).toBeNull();
    const bad = join(dir, 'bad.json');
    const r = await runDetector([arraySource(traffic(T0, 1))], { config: cfg });
    const doc = JSON.parse(JSON.stringify(r.model));
    doc.templates[Object.keys(doc.templates)[0]].sum = 'many';
    await writeFile(bad, JSON.stringify(doc));
    await expect(loadModel(bad)).rejects.toThrow(/bad\.json templates\.[0-9a-f]+\.sum: expected a number, got "many"/);
    await writeFile(bad, '{"schema":"other"}');
    await expect(loadModel(bad)).rejects.toThrow(/schema: expected "log-anomaly-pipeline\/baseline"/);
    expect(await readFile(bad, 'utf8')).toContain('other');
  });

  it('a version 1 model loads with an empty rhythm; other versions say how to relearn', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-'));
    const r = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(traffic(T0, 2))] });
    const v1 = JSON.parse(JSON.stringify(r.model));
    v1.version = 1;
    delete v1.rhythm;
    delete v1.span;
    delete v1.exposure;
    for (const t of Object.values<Record<string, unknown>>(v1.templates)) delete t.rhythm;
    const file = join(dir, 'v1.json');
    await writeFile(file, JSON.stringify(v1));
    const m = (await loadModel(file))!;
    expect(m.version).toBe(2);
    expect(m.rhythm).toEqual({ gaps: [], peaks: [], hours: new Array(24).fill(0), days: new Array(7).fill(0) });
    expect(Object.values(m.templates).every((t) => t.rhythm.peaks.length === 0)).toBe(true);
    expect(m.templates).toMatchObject(Object.fromEntries(Object.entries(r.model.templates).map(([id, t]) => [id, { sum: t.sum, total: t.total }])));
    // and it keeps learning: the next run fills the rhythm in
    const next = await runDetector([arraySource(traffic(T0 + 2 * 3600_000, 1))], { config: cfg, model: m });
    expect(next.model.rhythm.peaks.length).toBeGreaterThan(0);
    await writeFile(file, JSON.stringify({ ...v1, version: 7 }));
    await expect(loadModel(file)).rejects.toThrow(/v1\.json version: expected 2, got 7 \(delete the file to relearn\)/);
  });
});
