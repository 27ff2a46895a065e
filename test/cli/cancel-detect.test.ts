/**
 * SIGINT while the built CLI's detection step works through a large input (issue 13, point 5):
 * the CPU-bound step is stopped, the run ends `cancelled` with run.json written, exit 1, and the
 * detector never reported reaching the end of its input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { startAndWaitFor } from '../helpers/kill-at.js';

const DETECT = 'execute_logAnomaly';
const LINES = 300_000;
let dir: string;
let settings: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-cancel-detect-'));
  await mkdir(join(dir, 'logs'));
  const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
  const lines: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const ts = new Date(t0 + i * 20).toISOString().replace('T', ' ').replace('Z', '');
    lines.push(`${ts} ${i % 31 === 0 ? 'ERROR' : 'INFO'} bulk: job ${i % 977} step ${i % 13} finished in ${(i * 7) % 50}ms for user ${i % 4099}`);
  }
  await writeFile(join(dir, 'logs', 'bulk.log'), lines.join('\n') + '\n');
  settings = join(dir, 'settings.yaml');
  await writeFile(settings, demoSourceYaml().replace(/paths: \[[^\]]*\]/, `paths: [${JSON.stringify(join(dir, 'logs', '*.log'))}]`));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SIGINT during detection', () => {
  it('stops the detection step: run cancelled, run.json written, exit 1, the input not read to its end', async () => {
    const out = join(dir, 'runs');
    const { child, seen, exited } = startAndWaitFor(['run', '--config', settings, '--out-dir', out, '--skip-install', '--run-id', 'sigint'], (e) => e.type === 'step' && e.step === DETECT && e.status === 'running');
    await seen;
    child.kill('SIGINT');
    const { code } = await exited;
    expect(code).toBe(1);
    const runJson = JSON.parse(await readFile(join(out, 'sigint', 'run.json'), 'utf8'));
    expect(runJson.status).toBe('cancelled');
    const journal = (await readFile(join(out, 'sigint', 'bus.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const detect = journal.filter((e) => e.step === DETECT);
    expect(detect.filter((e) => e.type === 'step').map((e) => e.status)).toEqual(['running', 'cancelled']);
    // a finished read reports every line; the progress it did report stops short of the input
    const reported = detect.filter((e) => e.type === 'progress').map((e) => e.current);
    expect(Math.max(0, ...reported)).toBeLessThan(LINES);
  }, 180_000);
});
