/**
 * The built CLI end to end on the demo pipeline: `run --nats` publishes, a `watch` process started
 * before the run and one started after it print exactly the run's own lines, and `runs` lists it.
 */
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cleanupPrefix, NATS_URL, uniquePrefix, waitForFollower } from '../helpers/nats.js';
import { natsNames, runEventsFilter } from '../../src/bus/nats/names.js';

const root = resolve(import.meta.dirname, '..', '..');
const examples = join(root, 'examples');
const prefix = uniquePrefix('e2e');
const dir = mkdtempSync(join(tmpdir(), 'lap-e2e-'));
afterAll(async () => {
  await cleanupPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => done({ code, out, err }));
  });
}

it('run --nats, then watch before and after: the same lines and exit code; runs lists the run', { timeout: 90_000 }, async () => {
  const settings = join(dir, 'settings.yaml');
  writeFileSync(
    settings,
    `${demoSourceYaml()}detector: { type: builtin, baseline: [${JSON.stringify(join(examples, 'baseline', '*.log.gz'))}] }
upload: { type: local, dir: ${JSON.stringify(join(dir, 'uploads'))} }
output: { dir: ${JSON.stringify(join(dir, 'runs'))} }
nats: { prefix: ${prefix} }
`,
  );
  const nats = ['--nats', NATS_URL, '--config', settings];
  const early = cli(['watch', 'e2e.run-1', '--wait', ...nats]);
  await waitForFollower(prefix, runEventsFilter(natsNames(prefix), 'e2e.run-1')); // the early watcher is connected and waiting
  const run = await cli(['run', '--run-id', 'e2e.run-1', '--headless', ...nats]);
  expect(run.code, run.err).toBe(0);
  const late = await cli(['watch', 'e2e.run-1', ...nats]);
  const before = await early;
  expect(late.code).toBe(0);
  expect(before.code).toBe(0);
  expect(late.out).toBe(run.out);
  expect(before.out).toBe(run.out);
  expect(run.out).toMatch(/run e2e\.run-1 completed/);

  // a run the stream has never seen: exit 1 at once, not a wait forever
  const unknown = await cli(['watch', 'e2e.no-such-run', ...nats]);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toMatch(/^log-anomaly: error: no such run: e2e\.no-such-run .*--wait waits for it/m);

  const runs = await cli(['runs', '--json', ...nats]);
  expect(JSON.parse(runs.out)).toEqual([expect.objectContaining({ runId: 'e2e.run-1', status: 'completed', exitCode: 0, executions: 1 })]);
});
