/**
 * The no-incident suite, small (issue 11): baseline and target are the earlier and later half of
 * one source, so every finding is a false alarm. Goal: nothing of medium severity or above; the
 * full-size figures are in bench/no-incident.bench.mjs and BENCHMARKS.md.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain ESM script without types
import { generateLogs } from '../../scripts/lib/generate.mjs';
import { noIncidentRun, readParsed, splitInTime } from '../../src/detector/eval/no-incident.js';
import { REAL_LOGS } from '../../src/detector/eval/real-logs.js';
import { loadLoghubSettings } from '../../src/detector/eval/loghub.js';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detector/defaults.js';
import type { EngineLine } from '../../src/detector/engine.js';
import type { Anomaly } from '../../src/detector/anomalies-schema.js';
import { sharedData } from '../helpers/shared-data.js';

const cfg = DEFAULT_DETECTION_CONFIG;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'real-logs');
const show = (fs: readonly Anomaly[]) => fs.map((a) => `${a.severity} ${a.kind} ${a.template}: ${a.explanation}`).join('\n');

describe('splitInTime', () => {
  it('splits by time into equal halves, keeping untimed lines with the line before them', () => {
    const l = (ts: number | null, content: string): EngineLine => ({ content, raw: content, timestamp: ts, stream: 's', lineNo: 0 });
    const [a, b] = splitInTime([l(30, 'c'), l(10, 'a'), l(null, 'a2'), l(40, 'd'), l(20, 'b'), l(50, 'e')]);
    expect(a.map((x) => x.content)).toEqual(['a', 'a2', 'b']);
    expect(b.map((x) => x.content)).toEqual(['c', 'd', 'e']);
    // no timestamps at all: by position
    const [c, d] = splitInTime([l(null, '1'), l(null, '2'), l(null, '3'), l(null, '4')]);
    expect([c.length, d.length]).toEqual([2, 2]);
  });
});

describe('no incident: real server logs, first half against second half', () => {
  for (const src of REAL_LOGS) {
    it(`${src.fixture}: nothing of medium or above; what is reported is low and says the baseline is still learning`, async () => {
      const lines = readParsed(join(FIXTURES, src.fixture), src.format, src.name);
      expect(lines.length).toBeGreaterThan(5);
      const r = await noIncidentRun(lines, cfg);
      expect(r.serious, show(r.serious)).toEqual([]);
      for (const a of r.findings) {
        expect(a.kind).toBe('new_template');
        expect(a.explanation).toMatch(/so this may be ordinary$/);
      }
    });
  }

  it('dpkg.log, bursts months apart: no spike, drop or silence', async () => {
    const r = await noIncidentRun(readParsed(join(FIXTURES, 'dpkg.log'), REAL_LOGS[0].format, 'dpkg'), cfg);
    expect(r.findings, show(r.findings)).toEqual([]);
  });
});

describe('no incident: a generated multi-service log split in time', () => {
  it('4 hours of 4 services at 4 lines/s: no finding at all', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'no-incident-'));
    try {
      const truth = await generateLogs({ out: dir, seed: 11, rate: 4, start: '2026-11-24T06:00:00Z', durationMs: 4 * 3600_000, lines: Infinity });
      const lines: EngineLine[] = [];
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
        for (const l of readParsed(join(dir, f), truth.format, f.replace(/\.log$/, ''))) lines.push(l);
      }
      const r = await noIncidentRun(lines, cfg);
      expect(r.targetLines).toBeGreaterThan(20_000);
      expect(r.findings, show(r.findings)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Skips with the missing path outside CI; in CI (LOG_ANOMALY_REQUIRE_DATA=1) a missing folder fails.
const loghub = sharedData('no-incident Loghub-2k tests', 'loghub-2k', ['settings.json']);
const LOGHUB = loghub.dir;
const hasLoghub = loghub.present;

/**
 * Loghub-2k halves are not incident-free by construction: Thunderbird's second half is a node
 * reboot, Proxifier and Mac have bursts 5x larger than their first half ever shows, OpenStack a
 * warning its first half never had, OpenSSH an error its first half never had (`fatal: Write
 * failed: Connection reset by peer [preauth]`, once, at ERROR; it passed before only because the
 * engine counted a merged family's early lines as templates seen once, which made the baseline
 * look as if it were still learning), HPC an error its first half never had (`Failed subcommands
 * 3406`, once, at ERROR; it passed before only because `root_domain` stayed a template of its own
 * beside `domain <*>` while `root3_domain` was masked as a value; with one-digit names kept as
 * names the family merges, and the baseline drops below the 1% novelty that reads as still learning). The rest hold the goal; these are reported by the bench.
 */
const KNOWN = new Set(['Thunderbird', 'Proxifier', 'Mac', 'OpenStack', 'OpenSSH', 'HPC']);

describe.skipIf(!hasLoghub)('no incident: Loghub-2k, each system\'s first half against its second', () => {
  it('nothing of medium or above on the systems without a known event', async () => {
    const serious: string[] = [];
    for (const sys of loadLoghubSettings(LOGHUB)) {
      if (KNOWN.has(sys.name)) continue;
      const r = await noIncidentRun(readParsed(sys.logFile, { type: 'loghub', pattern: sys.logFormat }, sys.name), cfg, sys.regex);
      for (const a of r.serious) serious.push(`${sys.name}: ${show([a])}`);
    }
    expect(serious).toEqual([]);
  });
});
