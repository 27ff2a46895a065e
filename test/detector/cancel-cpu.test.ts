/**
 * Detection is CPU-bound: without turns of the event loop, a cancel (SIGINT, `q`) or a step
 * timeout, all of which arrive through the event loop, would only land once the work is done
 * (issue 13, point 5). The source here hands over its lines in large batches with no macrotask in
 * between (as a merge or an in-memory source can), and the abort comes from a timer: it must stop
 * the run long before the input is used up.
 */
import { describe, expect, it } from 'vitest';
import { runDetector, type LineSource } from '../../src/detector/index.js';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detector/defaults.js';
import type { EngineLine } from '../../src/detector/engine.js';

const TOTAL = 3_000_000;
const BATCH = 100_000;
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);

/** TOTAL lines in batches of BATCH, made as they are asked for; `handed` counts what went out. */
function busySource(): { source: LineSource; handed: () => number } {
  let handed = 0;
  const source: LineSource = async function* () {
    for (let start = 0; start < TOTAL; start += BATCH) {
      const batch: EngineLine[] = [];
      for (let i = start; i < start + BATCH; i++) {
        const content = `job ${i % 977} step ${i % 13} finished in ${(i * 7) % 50}ms for user ${i % 4099}`;
        batch.push({ content, raw: content, timestamp: T0 + i * 10, stream: `svc-${i % 4}`, level: i % 31 === 0 ? 'ERROR' : 'INFO', lineNo: i + 1 });
      }
      handed += batch.length;
      yield batch; // a microtask, not a macrotask: timers and signals do not run here
    }
  };
  return { source, handed: () => handed };
}

describe('detection gives cancel and timeouts a turn', () => {
  it('an abort from a timer stops a long detection well before its input is used up', async () => {
    const { source, handed } = busySource();
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('step timed out')), 50);
    let progress = 0;
    const run = runDetector([source], { config: DEFAULT_DETECTION_CONFIG, signal: ac.signal, sessionKey: 'user (\\d+)', onProgress: (n) => (progress = n) });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    clearTimeout(timer);
    expect(ac.signal.aborted).toBe(true);
    // ended mid-input: the last batch taken was not the last one, and far from it
    expect(handed()).toBeLessThan(TOTAL / 2);
    expect(progress).toBeLessThan(TOTAL / 2);
  }, 120_000);

  it('the same input without an abort runs to the end (the source is not what stops it)', async () => {
    const { source, handed } = busySource();
    const small: LineSource = async function* (signal) {
      let n = 0;
      for await (const b of source(signal)) {
        yield b;
        if ((n += b.length) >= 3 * BATCH) return;
      }
    };
    const r = await runDetector([small], { config: DEFAULT_DETECTION_CONFIG, signal: new AbortController().signal });
    expect(r.doc.input.lines).toBe(3 * BATCH);
    expect(handed()).toBe(3 * BATCH);
  }, 120_000);
});
