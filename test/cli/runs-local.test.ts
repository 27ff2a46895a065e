/** `runs` over a local runs folder, no NATS: every kind of entry a real folder ends up with. */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
let deadPid: number;
const iso = (h: number) => `2026-12-0${h < 24 ? 3 : 4}T${String(h % 24).padStart(2, '0')}:00:00.000Z`;

async function record(id: string, body: Record<string, unknown>): Promise<void> {
  await mkdir(join(dir, id), { recursive: true });
  await writeFile(join(dir, id, 'run.json'), JSON.stringify({ v: 1, runId: id, ...body }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-runs-'));
  await record('ok-1', {
    status: 'completed',
    exitCode: 0,
    startedAt: iso(10),
    durationMs: 2500,
    params: { dryRun: true, skipInstall: false, schedule: 'q', window: { from: iso(9), to: iso(10) } },
    summary: { anomalies: { total: 11, reported: 9, bySeverity: {}, top: [], incidents: [{}, {}, {}] }, reportUri: 'file:///r/ok-1/report.html', notification: { status: 'skipped', recipients: 0 } },
  });
  await record('bad-1', { status: 'failed', exitCode: 1, startedAt: iso(12), durationMs: 400, failedStep: 'execute_logAnomaly' });
  // Its process died mid-run on this host: the lock names a pid that no longer exists.
  deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
  await mkdir(join(dir, 'died-1'));
  await writeFile(join(dir, 'died-1', '.run.lock'), JSON.stringify({ pid: deadPid, host: hostname(), at: iso(14) }));
  // A run started by `run` long ago that never wrote its record (no lock either).
  await mkdir(join(dir, 'old-1'));
  await utimes(join(dir, 'old-1'), new Date(iso(8)), new Date(iso(8)));
  // Still going: its lock holder (this test process) lives.
  await mkdir(join(dir, 'live-1'));
  await writeFile(join(dir, 'live-1', '.run.lock'), JSON.stringify({ pid: process.pid, host: hostname(), at: iso(16) }));
  await mkdir(join(dir, 'torn-1'));
  await writeFile(join(dir, 'torn-1', 'run.json'), '{"v":1,"runId":"torn-1","stat');
  // Not runs: the scheduler's state and the default local upload folder.
  await mkdir(join(dir, '.schedules'));
  await mkdir(join(dir, 'uploads', 'ok-1'), { recursive: true });
});

const runs = (...args: string[]) => runCli(['runs', '--out-dir', dir, ...args]);

describe('log-anomaly runs (local folder)', () => {
  it('lists every entry with its status, and a damaged one does not break the listing', async () => {
    const res = await runs('--json');
    expect(res.code, res.stderr).toBe(0);
    const rows = JSON.parse(res.stdout) as Record<string, any>[];
    const byId = Object.fromEntries(rows.map((r) => [r.runId, r]));
    expect(Object.keys(byId).sort()).toEqual(['bad-1', 'died-1', 'live-1', 'ok-1', 'old-1', 'torn-1']);
    expect(byId['ok-1']).toMatchObject({ status: 'completed', durationMs: 2500, anomalies: 11, reported: 9, incidents: 3, reportUri: 'file:///r/ok-1/report.html', schedule: 'q', from: ['local'] });
    expect(byId['bad-1']).toMatchObject({ status: 'failed' });
    expect(byId['died-1']).toMatchObject({ status: 'crashed', problem: `its process (pid ${deadPid}) is gone and it left no run.json` });
    expect(byId['old-1']).toMatchObject({ status: 'crashed', problem: expect.stringMatching(/no run\.json/) });
    expect(byId['live-1']).toMatchObject({ status: 'running' });
    expect(byId['torn-1']).toMatchObject({ status: 'unreadable', path: join(dir, 'torn-1'), problem: expect.stringContaining(join(dir, 'torn-1', 'run.json')) });
  });

  it('sorts newest first by start time', async () => {
    const rows = JSON.parse((await runs('--json', '--status', 'completed', '--status', 'failed', '--status', 'crashed')).stdout) as { runId: string }[];
    // died-1 and old-1 have no record: their start is the folder's time (old-1: set to 08:00; died-1: now).
    expect(rows.map((r) => r.runId)).toEqual(['died-1', 'bad-1', 'ok-1', 'old-1']);
  });

  it('--status, --since and --limit filter; the table names the unreadable file', async () => {
    expect(JSON.parse((await runs('--json', '--status', 'failed')).stdout).map((r: { runId: string }) => r.runId)).toEqual(['bad-1']);
    expect(JSON.parse((await runs('--json', '--since', iso(11), '--status', 'completed', '--status', 'failed')).stdout).map((r: { runId: string }) => r.runId)).toEqual(['bad-1']);
    expect(JSON.parse((await runs('--json', '--limit', '2')).stdout)).toHaveLength(2);
    const table = await runs('--status', 'unreadable', '--status', 'completed');
    expect(table.stdout.split('\n')[0]).toMatch(/^RUN ID\s+STATUS\s+STARTED\s+DURATION\s+ANOMALIES\s+INCIDENTS\s+REPORT$/);
    expect(table.stdout).toMatch(/ok-1\s+completed\s+2026-12-03 10:00:00\s+2\.5s\s+11 \(9 reported\)\s+3\s+file:\/\/\/r\/ok-1\/report\.html/);
    expect(table.stdout).toMatch(/torn-1\s+unreadable.*run\.json: not a run record/);
    const none = await runs('--status', 'cancelled');
    expect(none.stdout).toBe(`no runs match in ${dir}\n`);
  });

  it('bad flags are bad input (exit 2)', async () => {
    expect((await runs('--status', 'exploded')).code).toBe(2);
    const since = await runs('--since', 'yesterday');
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since: expected a duration/);
  });
});
