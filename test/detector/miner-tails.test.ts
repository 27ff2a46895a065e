/**
 * Free-text tails without delimiters (issue 11 point 1): unquoted text of varying word count at
 * the end of a message is one template `prefix <*>`, while a component's different messages after
 * a shared label stay apart.
 */
import { describe, expect, it } from 'vitest';
import { createMiner } from '../../src/detector/miner/index.js';
import { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { EngineLine } from '../../src/detector/engine.js';
import { T0, MIN } from './detect-helpers.js';

const WORDS = 'hello there friend hi how are you doing today the payment provider returned an unexpected answer please retry later or contact support with reference'.split(' ');

/** Deterministic prose of 1..max words. */
function prose(seed: number, max = 12): () => string {
  let s = seed;
  const r = () => (s = (s * 1103515245 + 12345) >>> 0) / 4294967296;
  return () => Array.from({ length: 1 + Math.floor(r() * max) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
}

function mine(lines: readonly string[]) {
  const miner = createMiner();
  const results = lines.map((l) => miner.add(l));
  const ids = new Set(results.map((r) => miner.resolve!(r.templateId)));
  return { miner, ids, templates: [...ids].map((id) => miner.template(id)) };
}

describe('free-text tails', () => {
  it('lines that differ only in the length of their free-text tail are one template, <*> once', () => {
    const text = prose(7);
    const lines = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? `user said ${text()}` : `user ${i} logged in`));
    const { ids, templates } = mine(lines);
    expect(ids.size).toBe(2);
    expect(templates).toContain('user said <*>');
  });

  it('keeps the lead-in, variables included, and a short tail (one word) joins too', () => {
    const text = prose(3, 20);
    const lines = Array.from({ length: 100 }, (_, i) => `failed to render invoice ${1000 + i}: ${text()}`);
    const { miner, ids, templates } = mine(lines);
    expect(templates).toEqual(['failed to render invoice <*>: <*>']);
    const r = miner.add('failed to render invoice 77: oops');
    expect([miner.resolve!(r.templateId), r.isNew]).toEqual([[...ids][0], false]);
  });

  it("a component's messages after its label stay apart: they repeat, and carry numbers and identifiers", () => {
    const msgs = [
      'Error loading /home/a/app.rts: invalid or missing program image, No such file or directory',
      'Error loading /home/b/x.rts: invalid or missing program image, Permission denied',
      'Error reading message prefix on CioStream socket to 172.16.96.116:41534, Link has been severed',
      'Error reading message prefix after LOAD_MESSAGE on CioStream socket to 172.16.96.116:42213: Link has been severed',
      'Error loading /bgl/apps/a.rts: invalid or missing program image, Exec format error',
      'Error: unexpected end of stream',
      'Error while flushing journal',
    ];
    const lines: string[] = [];
    for (let k = 0; k < 4; k++) for (const m of msgs) lines.push(`ciod: ${m}`);
    const { ids } = mine(lines);
    expect(ids.size).toBeGreaterThanOrEqual(6);
  });

  it('structured messages with a shared prefix and a shared ending stay apart', () => {
    const lines = ['root', 'invalid user admin', 'invalid user guest', 'bob', 'alice', 'invalid user oracle', 'carol'].map(
      (u, i) => `Failed password for ${u} from 10.0.0.${i} port ${4000 + i} ssh2`,
    );
    const { templates } = mine(lines);
    expect(templates.every((t) => t!.includes(' from <*> port <*> '))).toBe(true);
  });

  it('a tail template survives the persisted state: same id, not new', () => {
    const text = prose(11);
    const a = createMiner();
    let id = '';
    for (let i = 0; i < 60; i++) id = a.add(`payment declined: ${text()}`).templateId;
    id = a.resolve!(id);
    expect(a.template(id)).toBe('payment declined: <*>');
    const b = createMiner({ state: JSON.parse(JSON.stringify(a.toState())) });
    const r = b.add('payment declined: the card was reported stolen by its owner yesterday');
    expect([r.templateId, r.isNew, r.template]).toEqual([id, false, 'payment declined: <*>']);
  });

  it('no incident: an unquoted free-text tail of varying length raises no new_template', async () => {
    const gen = (seed: number, from: number, n: number, no0: number): EngineLine[] => {
      const text = prose(seed);
      return Array.from({ length: n }, (_, i) => {
        const content = i % 3 === 0 ? `checkout ${1000 + i} declined: ${text()}` : `checkout ${1000 + i} accepted in ${10 + (i % 50)}ms`;
        return { content, raw: content, level: 'INFO', timestamp: from + i * 1000, stream: 'shop', lineNo: no0 + i + 1 };
      });
    };
    const cfg = DEFAULT_DETECTION_CONFIG;
    const base = await runDetector([arraySource([])], { config: cfg, baselineSources: [arraySource(gen(1, T0, 3000, 0))] });
    const r = await runDetector([arraySource(gen(2, T0 + 60 * MIN, 3000, 3000))], { config: cfg, model: base.model });
    expect(r.doc.anomalies.filter((a) => a.kind === 'new_template')).toEqual([]);
    const used = r.templates.filter((t) => t.count > 0).map((t) => t.template).sort();
    expect(used).toEqual(['checkout <*> accepted in <*>', 'checkout <*> declined: <*>']);
  });
});
