import { describe, expect, it } from 'vitest';
import { createMiner } from '../../src/detector/miner/index.js';

describe('template miner', () => {
  it('masks variables and groups lines of one event', () => {
    const miner = createMiner();
    const a = miner.add('Accepted password for alice from 10.0.0.1 port 5022 ssh2');
    const b = miner.add('Accepted password for alice from 10.0.0.7 port 40111 ssh2');
    expect(a.isNew).toBe(true);
    expect(b.isNew).toBe(false);
    expect(b.templateId).toBe(a.templateId);
    // a name ending in a digit is shown as written (it is masked only for grouping)
    expect(b.template).toBe('Accepted password for alice from <*> port <*> ssh2');
    expect(b.params).toEqual(['10.0.0.7', '40111']);
  });

  it('templates evolve: a word that keeps varying becomes <*> and the groups merge', () => {
    const miner = createMiner();
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const results = users.map((u) => miner.add(`session opened for user ${u} by cron`));
    const last = results[results.length - 1];
    expect(last.template).toBe('session opened for user <*> by cron');
    // every earlier line's id now resolves to the surviving template, the oldest one
    expect(last.templateId).toBe(results[0].templateId);
    expect(miner.templates().filter((t) => t.template.startsWith('session'))).toEqual([
      { id: results[0].templateId, template: 'session opened for user <*> by cron', count: 5 },
    ]);
    expect(miner.add('session opened for user zed by cron').isNew).toBe(false);
    expect(miner.add('session opened for user zed by cron').params).toEqual(['zed']);
  });

  it('a few distinct values stay constants (they may name different events)', () => {
    const miner = createMiner();
    const ids = ['root', 'guest', 'root', 'guest'].map((u) => miner.add(`authentication failure; user=${u}`).templateId);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('different events stay apart', () => {
    const miner = createMiner();
    const x = miner.add('Connection closed by 1.2.3.4 [preauth]');
    const y = miner.add('Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]');
    expect(x.templateId).not.toBe(y.templateId);
  });

  it('ids are stable across runs through toState/state, and for the same input without state', () => {
    const lines = ['job 17 started on node-3', 'job 18 started on node-4', 'disk /dev/sda1 is 91% full', 'job 19 finished in 20ms'];
    const one = createMiner();
    const ids1 = lines.map((l) => one.add(l).templateId);
    const again = createMiner();
    expect(lines.map((l) => again.add(l).templateId)).toEqual(ids1);

    const state = JSON.parse(JSON.stringify(one.toState()));
    const resumed = createMiner({ state });
    const r = resumed.add('job 77 started on node-9');
    expect(r.isNew).toBe(false);
    expect(r.templateId).toBe(ids1[0]);
    expect(resumed.templates().find((t) => t.id === ids1[0])!.count).toBe(3);
    expect(resumed.add('a brand new kind of line').isNew).toBe(true);
  });

  it('match() never creates or changes templates', () => {
    const miner = createMiner();
    miner.add('cache hit for key 123');
    expect(miner.match!('cache hit for key 999')!.template).toBe('cache hit for key <*>');
    expect(miner.match!('totally unseen words')).toBeUndefined();
    expect(miner.templates()).toHaveLength(1);
  });

  it('mines a message given as the whole line and its offset exactly as the sliced message', () => {
    const lines = [
      '2026-11-26 08:00:00.097 INFO api: req=13ac06c37eb7dcb3 GET /api/v1/products/1810 from 189.17.106.176',
      '2026-11-26 08:00:00.112 INFO api: req=20056652121f37a3 GET /api/v1/products/3320 from 19.142.177.130',
      '2026-11-26 08:00:01.000 WARN api: user alice tag="View Lock", state=RUNNING',
      '2026-11-26 08:00:02.000 WARN api:    ',
    ];
    for (const masks of [[], [/req=\w+/g]]) {
      const sliced = createMiner({ masks });
      const offset = createMiner({ masks });
      for (const line of lines) {
        const at = line.indexOf(': ') + 2;
        const a = sliced.add(line.slice(at));
        const b = offset.add(line, at);
        expect([b.templateId, b.template, b.isNew, b.params]).toEqual([a.templateId, a.template, a.isNew, a.params]);
        expect(offset.match!(line, at)?.templateId).toBe(sliced.match!(line.slice(at))?.templateId);
      }
      expect(offset.toState()).toEqual(sliced.toState());
    }
  });

  it('applies configured masks first', () => {
    const miner = createMiner({ masks: [/req-[a-z]+/g] });
    const a = miner.add('handled req-abc in 5 ms');
    expect(a.template).toBe('handled <*> in <*> ms');
  });

  it('rejects a state of another kind', () => {
    expect(() => createMiner({ state: { kind: 'drain3', version: 1, data: {} } })).toThrow(/miner state/);
  });

  it('copes with degenerate content', () => {
    const miner = createMiner();
    expect(miner.add('').template).toBe('');
    const big = miner.add('x'.repeat(1 << 20));
    expect(big.template).toHaveLength(1 << 20);
    expect(miner.add('\ufffd\ufffd \u0000\u0001 binary junk').isNew).toBe(true);
  });
});

describe('quoted key values', () => {
  it('a quoted value spanning tokens is one variable', () => {
    const miner = createMiner();
    const a = miner.add('acquire lock=1, tag="View Lock", name=x');
    const b = miner.add('acquire lock=2, tag="AudioMix", name=x');
    expect(b.templateId).toBe(a.templateId);
  });
});

describe('bounded memory', () => {
  it('past maxTemplates, new shapes share a catch-all template per token count', () => {
    const miner = createMiner({ maxTemplates: 3 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const ids = words.map((w) => miner.add(`${w} happened here`).templateId);
    expect(new Set(ids).size).toBe(4);
    expect(miner.add('golf happened here').template).toBe('<*> <*> <*>');
    expect(miner.templates()).toHaveLength(4);
    expect(miner.add('alpha happened here').templateId).toBe(ids[0]);
  });
});
