/**
 * Guards the miner's accuracy on Loghub-2k (16 systems x 2,000 lines, each with its format and
 * regexes from settings.json) and checks the scorer against the reference Drain/Brain metrics.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLineParser } from '../../src/detector/format/index.js';
import { createMiner } from '../../src/detector/miner/index.js';
import { compileMasks } from '../../src/detector/mask/index.js';
import { groupingScores, templateScores } from '../../src/detector/eval/metrics.js';
import { loadLoghubSettings, loadTruth, truthFiles } from '../../src/detector/eval/loghub.js';
import { parseCsv } from '../../src/detector/eval/csv.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const systems = loadLoghubSettings(join(SHARED, 'loghub-2k'));
const reference = JSON.parse(readFileSync(join(SHARED, 'loghub-2k-reference-outputs', 'reference_metrics.json'), 'utf8')) as Record<
  string,
  Record<string, Record<string, { GA: number; FGA: number; PA: number; FTA: number } | number>>
>;

describe('Loghub-2k group accuracy', () => {
  it('mean GA over the 16 systems stays at or above 0.95', () => {
    const scores: Record<string, number> = {};
    for (const sys of systems) {
      const parse = createLineParser({ type: 'loghub', pattern: sys.logFormat });
      const miner = createMiner({ masks: compileMasks(sys.regex) });
      const idx: number[] = [];
      for (const line of readFileSync(sys.logFile, 'utf8').split('\n')) {
        const p = parse(line);
        if (p === null) continue;
        miner.add(p.content);
        idx.push(miner.lastIndex);
      }
      const truth = loadTruth(truthFiles(SHARED, sys.name).orig);
      scores[sys.name] = groupingScores(idx.map((i) => miner.idAt(i)), truth.eventIds).GA;
    }
    const mean = Object.values(scores).reduce((a, b) => a + b, 0) / systems.length;
    expect(Object.keys(scores)).toHaveLength(16);
    expect(mean, JSON.stringify(scores)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('scorer reproduces reference_metrics.json', () => {
  for (const algo of ['Drain', 'Brain'] as const) {
    it(`${algo}: GA, FGA, PA, FTA against all three ground truths; GA by EventId and pairwise F1`, () => {
      let checked = 0;
      for (const sys of systems) {
        const csv = join(SHARED, 'loghub-2k-reference-outputs', algo.toLowerCase(), `${sys.name}_2k.${algo.toLowerCase()}.csv`);
        const rows = parseCsv(readFileSync(csv, 'utf8')).slice(1).filter((r) => r.length > 1);
        const ids = rows.map((r) => r[1]);
        const templates = rows.map((r) => r[2]);
        const files = truthFiles(SHARED, sys.name);
        const ref = reference[algo][sys.name];
        for (const gt of ['orig', 'khan2022', 'lh2'] as const) {
          const file = files[gt];
          const expected = ref[gt] as { GA: number; FGA: number; PA: number; FTA: number } | undefined;
          if (!file || !expected) continue;
          const truth = loadTruth(file);
          const g = groupingScores(templates, truth.templates);
          const t = templateScores(templates, truth.templates);
          const where = `${algo} ${sys.name} ${gt}`;
          expect(g.GA, where).toBeCloseTo(expected.GA, 4);
          expect(g.FGA, where).toBeCloseTo(expected.FGA, 4);
          expect(t.PA, where).toBeCloseTo(expected.PA, 4);
          expect(t.FTA, where).toBeCloseTo(expected.FTA, 4);
          checked++;
        }
        const byId = groupingScores(ids, loadTruth(files.orig).eventIds);
        expect(byId.GA).toBeCloseTo(ref.GA_eventid_orig as number, 4);
        expect(byId.F1_pairwise).toBeCloseTo(ref.F1_pairwise_orig as number, 4);
      }
      expect(checked).toBe(16 + 16 + 14);
    });
  }
});
