import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewSchedules } from '../../src/cli/commands/schedules.js';
import { parseSettings } from '../../src/config/settings.js';
import { runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';

const yaml = (schedules: string) => `${demoSourceYaml()}schedules:\n${schedules}`;

describe('schedules', () => {
  it('shows the next three ticks in the schedule\'s zone across a DST change, and the last run', () => {
    const s = parseSettings(yaml(`  - { name: nightly, cron: "30 2 * * *", timezone: Europe/Berlin, window: 1d }\n`), '/tmp/x/settings.yaml');
    const views = viewSchedules(s.schedules!, [{ runId: 'nightly-20261024-003000', status: 'completed', path: '/r', anomalies: 3 }], () => undefined, new Date('2026-10-24T12:00:00Z'), 3);
    expect(views[0]).toMatchObject({
      name: 'nightly',
      overlap: 'skip',
      catchup: 0,
      // 02:30 CEST on the fall-back day (once), then 02:30 CET: the UTC hour moves by one.
      next: ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z'],
      lastRun: { runId: 'nightly-20261024-003000', status: 'completed', anomalies: 3 },
    });
  });

  it('bad rules, zones and windows are bad input with file and line (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lap-sched-'));
    const cases: [string, RegExp][] = [
      [`  - { name: a, cron: "* * *" }\n`, /settings\.yaml:\d+:\d+ schedules\[0\]\.cron: not a valid cron rule/],
      [`  - { name: a, cron: "0 * * * *", timezone: Mars/Olympus }\n`, /schedules\[0\]\.timezone: unknown time zone "Mars\/Olympus"/],
      [`  - { name: a, cron: "0 * * * *", window: soon }\n`, /schedules\[0\]\.window: expected a window such as 15m/],
      [`  - { name: a, cron: "0 * * * *", overlap: parallel }\n`, /schedules\[0\]\.overlap: expected one of skip, queue/],
      [`  - { name: a, cron: "0 * * * *" }\n  - { name: a, cron: "5 * * * *" }\n`, /schedules\[1\]\.name: duplicate schedule name "a"/],
    ];
    for (const [entry, re] of cases) {
      const file = join(dir, 'settings.yaml');
      await writeFile(file, yaml(entry));
      const res = await runCli(['schedules', '--config', file]);
      expect(res.code, entry).toBe(2);
      expect(res.stderr).toMatch(re);
    }
  });
});
