/**
 * The same tick handed to the local executor twice at once (two timers, two serve processes)
 * runs once: the run directory's O_EXCL lock decides; afterwards its run.json says it ran.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/settings.js';
import { createLocalExecutor } from '../../src/schedule/local-executor.js';
import { makeTick } from '../../src/schedule/tick.js';
import { acquireRunLock } from '../../src/runs/run-lock.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';

describe('local executor', () => {
  it('runs a tick fired twice once, and not again once it completed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lap-exec-'));
    const settings = parseSettings(`${demoSourceYaml()}output: { dir: ${JSON.stringify(join(dir, 'runs'))} }\n`, join(dir, 'settings.yaml'));
    const ex = createLocalExecutor({ settings, dryRun: true, skipInstall: true });
    const tick = makeTick({ name: 'q', windowMs: 15 * 60_000 }, new Date('2026-12-04T10:15:00Z'));
    const [a, b] = await Promise.all([ex.execute(tick), ex.execute(tick)]);
    expect([a, b]).toEqual(expect.arrayContaining([{ kind: 'ran', status: 'completed' }, { kind: 'exists', status: 'running' }]));
    expect(await ex.execute(tick)).toEqual({ kind: 'exists', status: 'completed' });
    expect(await readdir(join(dir, 'runs'))).toEqual(expect.arrayContaining(['q-20261204-101500']));
    const record = JSON.parse(await readFile(join(dir, 'runs', 'q-20261204-101500', 'run.json'), 'utf8'));
    expect(record.params).toMatchObject({ schedule: 'q', window: { from: '2026-12-04T10:00:00.000Z', to: '2026-12-04T10:15:00.000Z' } });
    // The lock is released when the run ends.
    const lock = await acquireRunLock(join(dir, 'runs', 'q-20261204-101500'));
    expect(lock).not.toBeNull();
    await lock!.release();
  }, 60_000);
});
