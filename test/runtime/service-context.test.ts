import { describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/bus.js';
import type { BusEvent } from '../../src/bus/events.js';
import { createServiceContext, PROGRESS_INTERVAL_MS } from '../../src/runtime/service-context.js';

describe('service context progress', () => {
  it('throttles each unit on its own clock: bytes reported right after lines still get through', () => {
    const bus = createBus({ runId: 'r1' });
    const seen: BusEvent[] = [];
    bus.events$.subscribe((e) => seen.push(e));
    let now = 1000;
    const ctx = createServiceContext({ bus, step: 'prepare_prerequisite/execute_cloudwatchLog_injetion', signal: new AbortController().signal, attempt: 1, now: () => now });
    for (let i = 1; i <= 10; i++) {
      ctx.progress({ unit: 'lines', current: i * 100 });
      ctx.progress({ unit: 'bytes', current: i * 1000, total: 20_000 });
      now += PROGRESS_INTERVAL_MS / 2;
    }
    ctx.progress({ unit: 'bytes', current: 20_000, total: 20_000 });
    const progress = seen.filter((e) => e.type === 'progress');
    const bytes = progress.filter((e) => e.unit === 'bytes').map((e) => e.current);
    const lines = progress.filter((e) => e.unit === 'lines').map((e) => e.current);
    // one of each per 50 ms (every second call at 25 ms apart), and the final bytes always
    expect(lines).toEqual([100, 300, 500, 700, 900]);
    expect(bytes).toEqual([1000, 3000, 5000, 7000, 9000, 20_000]);
  });
});
