/**
 * One execution per run id on one machine (issue 13, point 2), with real processes: a second
 * `run` of a run id that is running exits 1 naming the holder; a holder whose pid is gone is
 * taken over at once and recorded as crashed; one whose heartbeat stopped for 3 intervals too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { runAndKillAt, startAndWaitFor } from '../helpers/kill-at.js';

let dir: string;
let out: string;
let settings: string;
/** Its install step waits for a `go` file, so the run is surely in flight while a second one starts. */
let gated: string;
let gate: string;
const INGEST = 'prepare_prerequisite/execute_cloudwatchLog_injetion';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-lease-'));
  out = join(dir, 'runs');
  const logs = join(dir, 'logs');
  await mkdir(logs);
  await cp(join(repoRoot, 'examples', 'logs'), logs, { recursive: true, filter: (s) => !s.endsWith('.json') });
  const yaml = demoSourceYaml().replace(/paths: \[[^\]]*\]/, `paths: [${JSON.stringify(join(logs, '*.log'))}]`);
  settings = join(dir, 'settings.yaml');
  await writeFile(settings, yaml);
  gate = join(dir, 'go');
  const wait = `const fs=require('fs');const t=setInterval(()=>{if(fs.existsSync(${JSON.stringify(gate)}))clearInterval(t)},20)`;
  gated = join(dir, 'gated.yaml');
  await writeFile(gated, yaml.replace('install: { commands: [] }', `install: { commands: [[${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(wait)}]] }`));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const args = (id: string) => ['run', '--config', settings, '--out-dir', out, '--skip-install', '--run-id', id];
const held = (id: string, pid: number, host: string) => new RegExp(`run ${id} is already running \\(pid ${pid} on ${host.replace(/\./g, '\\.')} since \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\)`);

describe('local lease', () => {
  it('two executions of one run id at once: exactly one runs, the other exits 1 naming the holder', async () => {
    // The first holds its lease from before `run started` until after run.json: wait for it to be inside a step.
    const gatedArgs = ['run', '--config', gated, '--out-dir', out, '--run-id', 'twice'];
    const first = startAndWaitFor(gatedArgs, (e) => e.type === 'step' && e.step === 'install_packages' && e.status === 'running', { LOG_ANOMALY_LEASE_INTERVAL_MS: '60000' });
    await first.seen;
    const second = await runCli(gatedArgs);
    await writeFile(gate, 'go');
    const done = await first.exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(held('twice', first.child.pid!, hostname()));
    expect(second.stdout).toBe('');
    expect(done.code, done.stderr).toBe(0);
    const runJson = JSON.parse(await readFile(join(out, 'twice', 'run.json'), 'utf8'));
    expect(runJson.status).toBe('completed');
    // Released at the end: the same run id can run again.
    expect((await runCli(args('twice'))).code).toBe(0);
  }, 120_000);

  it('a SIGKILLed holder (pid gone, same host) is taken over at once and recorded as crashed', async () => {
    const killed = await runAndKillAt(args('dead'), (e) => e.type === 'step' && e.step === INGEST && e.status === 'done', { LOG_ANOMALY_LEASE_INTERVAL_MS: '60000' });
    expect(killed.killed).toBe(true);
    const lease = JSON.parse(await readFile(join(out, 'dead', 'lease.json'), 'utf8'));
    const again = await runCli([...args('dead'), '--json'], { env: { LOG_ANOMALY_LEASE_INTERVAL_MS: '60000' } });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`took over run dead from pid ${lease.pid}`);
    const runJson = JSON.parse(await readFile(join(out, 'dead', 'run.json'), 'utf8'));
    expect(runJson.status).toBe('completed');
    expect(runJson.crashedExecutions).toEqual([expect.objectContaining({ status: 'crashed', pid: lease.pid, host: hostname() })]);
  }, 120_000);

  it('another host\'s lease: refused while its heartbeat is fresh, taken over once 3 intervals passed', async () => {
    const runDir = join(out, 'remote');
    await mkdir(runDir, { recursive: true });
    const lease = (beatAgoMs: number) =>
      JSON.stringify({ v: 1, runId: 'remote', pid: 4242, host: 'other-host.example', startedAt: '2026-01-01T00:00:00.000Z', heartbeatAt: new Date(Date.now() - beatAgoMs).toISOString(), intervalMs: 10_000, token: 'x' });
    await writeFile(join(runDir, 'lease.json'), lease(5_000)); // half an interval ago: alive
    const refused = await runCli(args('remote'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(held('remote', 4242, 'other-host.example'));
    await writeFile(join(runDir, 'lease.json'), lease(35_000)); // 3.5 intervals without a heartbeat
    const took = await runCli([...args('remote'), '--json']);
    expect(took.code, took.stderr).toBe(0);
    expect(took.stdout).toContain('took over run remote from pid 4242 on other-host.example');
    const runJson = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    expect(runJson.crashedExecutions[0]).toMatchObject({ status: 'crashed', pid: 4242, host: 'other-host.example' });
  }, 120_000);
});
