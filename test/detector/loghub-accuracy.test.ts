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
import { loadLoghubSettings, loadTruth, truthFiles, type LoghubSystem } from '../../src/detector/eval/loghub.js';
import { parseCsv } from '../../src/detector/eval/csv.js';

import { sharedData } from '../helpers/shared-data.js';

const loghub = sharedData('Loghub-2k accuracy', 'loghub-2k', ['settings.json']);
const outputs = sharedData('Loghub-2k reference outputs', 'loghub-2k-reference-outputs', ['reference_metrics.json']);
const SHARED = join(loghub.dir, '..');
const systems = loghub.present ? loadLoghubSettings(loghub.dir) : [];
const reference = (outputs.present ? JSON.parse(readFileSync(join(outputs.dir, 'reference_metrics.json'), 'utf8')) : {}) as Record<
  string,
  Record<string, Record<string, { GA: number; FGA: number; PA: number; FTA: number } | number>>
>;

/** Our miner's template id and template per line of a system (its masks group, shapes render). */
function mineSystem(sys: LoghubSystem): { ids: string[]; templates: string[] } {
  const parse = createLineParser({ type: 'loghub', pattern: sys.logFormat });
  const miner = createMiner({ masks: compileMasks(sys.regex), masksGroupOnly: true });
  const idx: number[] = [];
  for (const line of readFileSync(sys.logFile, 'utf8').split('\n')) {
    const p = parse(line);
    if (p === null) continue;
    miner.add(p.content);
    idx.push(miner.lastIndex);
  }
  return { ids: idx.map((i) => miner.idAt(i)), templates: idx.map((i) => miner.templateAt(i)) };
}

/** Group accuracy (GA against the original ground truth) of our miner on each system. */
function minerGA(list: readonly LoghubSystem[], truthOf: (sys: LoghubSystem) => string): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const sys of list) {
    const { ids } = mineSystem(sys);
    const truth = loadTruth(truthOf(sys));
    expect(ids, `${sys.name}: every line parses`).toHaveLength(truth.eventIds.length);
    scores[sys.name] = groupingScores(ids, truth.eventIds).GA;
  }
  return scores;
}

describe.skipIf(!loghub.present)('Loghub-2k group accuracy', () => {
  it('mean GA over the 16 systems stays at or above 0.95', () => {
    const scores = minerGA(systems, (sys) => truthFiles(SHARED, sys.name).orig);
    const mean = Object.values(scores).reduce((a, b) => a + b, 0) / systems.length;
    expect(Object.keys(scores)).toHaveLength(16);
    expect(mean, JSON.stringify(scores)).toBeGreaterThanOrEqual(0.95);
  }, 120_000); // mines 16 systems: 9-31 s under load (it once hit the 30 s default in a loaded full run)
});

/**
 * Floors against the Loghub-2.0 corrected ground truth (14 systems), keyed by template string as
 * its evaluator does: grouping must not pay for readable templates. Raise them as templates improve.
 */
const FLOORS = { GA: 0.985, FGA: 0.96, PA: 0.908, FTA: 0.843 };
/** Systems whose GA (lh2) is at or above 0.985: they stay there. */
const GA_KEPT = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'BGL', 'HPC', 'HealthApp', 'Apache', 'Proxifier', 'OpenSSH', 'OpenStack'];

describe.skipIf(!loghub.present)('Loghub-2k template accuracy (Loghub-2.0 corrected ground truth)', () => {
  it(`means: GA >= ${FLOORS.GA}, FGA >= ${FLOORS.FGA}, PA >= ${FLOORS.PA}, FTA >= ${FLOORS.FTA}; GA kept per system`, () => {
    const rows: Record<string, { GA: number; FGA: number; PA: number; FTA: number }> = {};
    for (const sys of systems) {
      const file = truthFiles(SHARED, sys.name).lh2;
      if (!file) continue;
      const truth = loadTruth(file).templates;
      const { templates } = mineSystem(sys);
      rows[sys.name] = { ...groupingScores(templates, truth), ...templateScores(templates, truth) };
    }
    expect(Object.keys(rows)).toHaveLength(14);
    const mean = (k: keyof typeof FLOORS) => Object.values(rows).reduce((a, r) => a + r[k], 0) / 14;
    const table = JSON.stringify(rows);
    for (const k of ['GA', 'FGA', 'PA', 'FTA'] as const) expect(mean(k), `${k}: ${table}`).toBeGreaterThanOrEqual(FLOORS[k]);
    for (const name of GA_KEPT) expect(rows[name].GA, name).toBeGreaterThanOrEqual(0.985);
  }, 120_000); // mines and scores 14 systems: as slow as the test above under load
});

describe('group accuracy on the fixture in Loghub layout', () => {
  it('the miner groups every line of the invented systems as their ground truth does (GA 1)', () => {
    const mini = loadLoghubSettings(join(import.meta.dirname, '..', 'fixtures', 'loghub-mini'));
    const scores = minerGA(mini, (sys) => `${sys.logFile}_structured.csv`);
    expect(scores).toEqual({ Storage: 1, Gateway: 1 });
  });

  it('a miner that merges two templates scores below 1', () => {
    const truth = ['E1', 'E1', 'E2', 'E2'];
    expect(groupingScores(['a', 'a', 'a', 'a'], truth).GA).toBe(0);
    expect(groupingScores(['a', 'a', 'b', 'c'], truth).GA).toBe(0.5);
  });
});

describe.skipIf(!loghub.present || !outputs.present)('scorer reproduces reference_metrics.json', () => {
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
    }, 120_000); // 16 systems x 3 ground truths: about 27 s on a loaded 2-core machine, near the 30 s default
  }
});
