import { describe, expect, it } from 'vitest';
import { prepareMachine } from '../../src/machines/index.js';
import { eventTypes, policies, random, runModel, taskOutputs, uncovered } from './model.js';

const input = { policies, random, runDir: '/run', baseDir: '/base', source: { type: 'file', paths: ['x.log'] }, format: { type: 'raw' }, detectionConfig: { location: 'c.yaml' } };

describe('prepare_prerequisite machine (model-based)', () => {
  it('runs ingestion and config in parallel, done only when both are, failing fast otherwise; covers every state and transition', async () => {
    const runs = await runModel(prepareMachine, input, 'shortest');
    expect(runs.length).toBeGreaterThan(50);
    for (const { path, replay } of runs) {
      const why = eventTypes(path).join(' > ');
      expect(replay.leftover, why).toBe(0);
      // Both actors start at once, before either finishes.
      expect(replay.log.slice(0, 2).sort(), why).toEqual(['start:downloadConfig', 'start:ingestLogs']);
      const out = replay.snapshot.output;
      // The specification: done exactly when both prerequisites are.
      const bothDone = replay.log.includes('done:ingestLogs') && replay.log.includes('done:downloadConfig');
      expect(replay.snapshot.value, why).toBe(bothDone ? 'done' : 'failed');
      if (bothDone) {
        expect(out.failure, why).toBeUndefined();
        expect(out.outputs, why).toEqual({ execute_cloudwatchLog_injetion: taskOutputs.ingestLogs, download_config_yaml: taskOutputs.downloadConfig });
      } else {
        expect(['prepare_prerequisite/execute_cloudwatchLog_injetion', 'prepare_prerequisite/download_config_yaml'], why).toContain(out.failure.step);
        // The sibling still in flight when one fails is aborted (its signal fires).
        for (const id of ['ingestLogs', 'downloadConfig']) {
          const starts = replay.log.filter((l) => l === `start:${id}`).length;
          const ends = replay.log.filter((l) => l === `done:${id}` || l === `error:${id}` || l === `aborted:${id}`).length;
          expect(ends, `${why}: ${id}`).toBe(starts);
        }
      }
    }
    // Resumed: both finished in an earlier execution; nothing starts, the outputs come back as they were.
    const resumed = await runModel(prepareMachine, { ...input, resumed: { execute_cloudwatchLog_injetion: taskOutputs.ingestLogs, download_config_yaml: taskOutputs.downloadConfig } }, 'shortest');
    expect(resumed.map((r) => r.replay.snapshot.value)).toEqual(['done']);
    expect(resumed[0].replay.log).toEqual([]);
    expect(resumed[0].replay.snapshot.output.outputs.execute_cloudwatchLog_injetion).toEqual(taskOutputs.ingestLogs);
    const u = uncovered(prepareMachine, [...runs, ...resumed]);
    expect(u.states).toEqual([]);
    expect(u.transitions).toEqual([]);
  });
});
