import { beforeEach, describe, expect, it, vi } from 'vitest';
import { line, spread, T0, MIN } from './detect-helpers.js';

// V8 as the detector sees it: the heap flags it sets, and a young generation whose size the test picks.
const v8 = vi.hoisted(() => ({ flags: [] as string[], young: 0 }));
vi.mock('node:v8', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:v8')>();
  return {
    ...real,
    // heap flags are recorded, not set (this test process keeps its heap); others (the regex engine's) pass
    setFlagsFromString: (f: string) => {
      if (/heap|semi-space/.test(f)) v8.flags.push(f);
      else real.setFlagsFromString(f);
    },
    getHeapSpaceStatistics: () => [{ space_name: 'new_space', space_size: v8.young, space_used_size: 0, space_available_size: 0, physical_space_size: v8.young }],
  };
});

// 6,000 lines, 2,000 sessions: past the tracker's first check at 4,096 lines
const input = () => spread(T0, 60 * MIN, 6000, (i) => `request done req=r${i % 2000} in ${i % 7} ms`).map((l) => line(l.timestamp, l.content));

async function detect(sessionKey?: string) {
  const { runDetector, arraySource, DEFAULT_DETECTION_CONFIG } = await import('../../src/detector/index.js');
  return runDetector([arraySource(input())], { config: DEFAULT_DETECTION_CONFIG, sessionKey });
}

describe('heap tuning with a session key', () => {
  beforeEach(() => {
    // a fresh module graph per test: heap-growth.ts sets each flag once per process
    vi.resetModules();
    v8.flags = [];
    v8.young = 0;
  });

  it('leaves V8 alone without a session key', async () => {
    v8.young = 32 << 20;
    const r = await detect();
    expect(r.doc.input.lines).toBe(6000);
    expect(v8.flags).toEqual([]);
  });

  it('fixes the old generation growing factor and keeps the young generation growing below 8 MB', async () => {
    v8.young = 2 << 20;
    await detect('req=(\\S+)');
    expect(v8.flags).toEqual(['--heap-growing-percent=50']);
  });

  it('stops the young generation at 8 MB, and lets it grow again once V8 shrank it', async () => {
    v8.young = 8 << 20;
    const { createSessionTracker } = await import('../../src/detector/detect/sessions.js');
    const t = createSessionTracker();
    expect(v8.flags).toEqual(['--heap-growing-percent=50', '--semi-space-growth-factor=1']);
    const add = (n: number) => {
      for (let i = 0; i < n; i++) t.add(`s${i % 100}`, 'tpl', { raw: 'x', lineNo: i, stream: 'app' }, i);
    };
    add(4096);
    expect(v8.flags).toHaveLength(2);
    v8.young = 2 << 20;
    add(4096);
    expect(v8.flags.slice(2)).toEqual(['--semi-space-growth-factor=2']);
    v8.young = 8 << 20;
    add(4096);
    expect(v8.flags.slice(2)).toEqual(['--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
  });
});
