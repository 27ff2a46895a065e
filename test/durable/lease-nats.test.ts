/**
 * The NATS lease (issue 13, point 2) against the real server: two executions of one run id on
 * "two machines" (two output dirs, so only NATS can tell) -> exactly one runs; a SIGKILLed --nats
 * run is taken over once its heartbeat stopped for 3 intervals and `runs` shows it crashed; a `watch`
 * waiting for it ends with `crashed` instead of hanging; one started after the takeover follows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { runCli } from '../helpers/cli.js';
import { runAndKillAt, startAndWaitFor } from '../helpers/kill-at.js';
import { cleanupPrefix, NATS_URL, uniquePrefix } from '../helpers/nats.js';

const prefix = uniquePrefix('lease');
let dir: string;
let settings: string;
let gated: string;
let gate: string;
const INTERVAL = { LOG_ANOMALY_LEASE_INTERVAL_MS: '300' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-nlease-'));
  const base = `${demoSourceYaml()}nats: { prefix: ${prefix} }\n`;
  settings = join(dir, 'settings.yaml');
  await writeFile(settings, base);
  gate = join(dir, 'go');
  const wait = `const fs=require('fs');const t=setInterval(()=>{if(fs.existsSync(${JSON.stringify(gate)}))clearInterval(t)},20)`;
  gated = join(dir, 'gated.yaml');
  await writeFile(gated, base.replace('install: { commands: [] }', `install: { commands: [[${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(wait)}]] }`));
});
afterAll(async () => {
  await cleanupPrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

const nats = (cfg: string) => ['--nats', NATS_URL, '--config', cfg];
const runNats = (cfg: string) => [...nats(cfg), '--require-nats'];

describe('NATS lease', () => {
  it('two executions of one run id on two machines: exactly one runs, the other exits 1 naming the holder', async () => {
    const first = startAndWaitFor(['run', '--run-id', 'n-twice', '--out-dir', join(dir, 'a'), ...runNats(gated)], (e) => e.type === 'step' && e.step === 'install_packages' && e.status === 'running');
    await first.seen;
    const second = await runCli(['run', '--run-id', 'n-twice', '--out-dir', join(dir, 'b'), ...runNats(gated)], { env: { NATS_URL } });
    await writeFile(gate, 'go');
    const done = await first.exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`run n-twice is already running \\(pid ${first.child.pid} on \\S+ since \\d{4}-[0-9T:.-]+Z\\)`));
    expect(done.code, done.stderr).toBe(0);
    const runs = await runCli(['runs', '--json', ...nats(settings)]);
    expect(JSON.parse(runs.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ runId: 'n-twice', status: 'completed', executions: 1 })]));
  }, 120_000);

  it('a SIGKILLed --nats run: taken over after the heartbeat timeout, resumed; the waiting watch gets crashed and ends', async () => {
    const out = join(dir, 'k');
    const killed = await runAndKillAt(['run', '--run-id', 'n-dead', '--out-dir', out, ...runNats(settings)], (e) => e.type === 'step' && e.step === 'execute_logAnomaly' && e.status === 'done', INTERVAL);
    expect(killed.killed).toBe(true);
    // A watcher of the dead run ends with `crashed` (exit 1) once it finds the lease stale: it does not hang.
    const watcher = startAndWaitFor(['watch', 'n-dead', ...nats(settings)], (e) => e.type === 'run' && e.status === 'crashed', INTERVAL);
    await watcher.seen;
    expect((await watcher.exited).code).toBe(1);
    // Until 3 heartbeats are missed the NATS lease still names the dead holder; the takeover follows.
    let resumed = await runCli(['run', '--out-dir', out, '--resume', 'n-dead', '--json', ...runNats(settings)], { env: INTERVAL });
    for (let i = 0; i < 20 && resumed.code === 1 && /already running/.test(resumed.stderr); i++) {
      resumed = await runCli(['run', '--out-dir', out, '--resume', 'n-dead', '--json', ...runNats(settings)], { env: INTERVAL });
    }
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'run')).toMatchObject({ status: 'crashed', exitCode: 1 });
    expect(events.filter((e) => e.type === 'step' && e.reason === 'resumed').map((e) => e.step)).toContain('execute_logAnomaly');
    // A watcher after the takeover replays the dead execution's `crashed`, then (history follows
    // it) the taking-over execution to its end.
    const late = startAndWaitFor(['watch', 'n-dead', ...nats(settings)], (e) => e.type === 'run' && e.status === 'crashed');
    await late.seen;
    const w = await late.exited;
    expect(w.code, w.stderr).toBe(0);
    expect(late.events.at(-1)).toMatchObject({ type: 'run', status: 'completed' });
    const runs = await runCli(['runs', '--json', ...nats(settings)]);
    const rec = JSON.parse(runs.stdout).find((r: any) => r.runId === 'n-dead');
    expect(rec).toMatchObject({ status: 'completed', executions: 2 });
  }, 120_000);
});
