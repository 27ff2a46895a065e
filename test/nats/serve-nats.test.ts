/**
 * `serve --nats`: ticks become run requests that workers take (real NATS, an in-process worker with
 * scripted runs); serve follows each run to its end, so overlap: skip holds across processes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RunRequest } from '../../src/bus/nats/requests.js';
import { natsNames } from '../../src/bus/nats/names.js';
import { serve } from '../../src/cli/commands/serve.js';
import { cleanupPrefix, NATS_URL, uniquePrefix } from '../helpers/nats.js';
import { memoryIo } from '../helpers/nats-cli.js';
import { scriptedStart, startTestWorker } from '../helpers/nats-worker.js';

const prefix = uniquePrefix('serve');
const dir = mkdtempSync(join(tmpdir(), 'lap-serve-nats-'));
const config = join(dir, 'settings.yaml');
writeFileSync(
  config,
  `source: { type: file, paths: [x.log] }\nformat: { type: raw }\ndetectionConfig: { location: d.yaml }\nnats: { prefix: ${prefix} }\nschedules:\n  - { name: remote, cron: "*/2 * * * * *", window: 2s }\n`,
);

afterAll(async () => {
  await cleanupPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

it('submits each tick with its window to the workers, one run at a time, and stops on SIGTERM', async () => {
  const requests: RunRequest[] = [];
  const io = memoryIo();
  const skips = () => (io.out().match(/skipped \(the previous run still goes/g) ?? []).length;
  let active = 0;
  let maxActive = 0;
  // A worker that could run two at once: only serve's overlap policy keeps it to one.
  const w = await startTestWorker(
    natsNames(prefix),
    scriptedStart({
      onStart: (req) => requests.push(req),
      gate: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        // Hold each run until a tick came while it goes (serve reports it skipped), not a guessed 2.5 s;
        // or until serve stops ticking: a run submitted just before SIGTERM would otherwise wait for a
        // tick that never comes (20 s, then fail) while serve waits for it to end.
        const seen = skips();
        await until(() => skips() > seen || io.out().includes('no more ticks'));
        active -= 1;
      },
    }),
    { concurrency: 2, name: 'serve-w' },
  );
  try {
    const done = serve({ config, nats: NATS_URL, dryRun: true }, io);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if ((io.out().match(/^schedule remote: run remote-\S+ completed$/gm) ?? []).length >= 2) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    io.signal('SIGTERM');
    expect(await done).toBe(0);
    expect(io.out()).toMatch(/submitting scheduled runs to workers on/);
    expect(io.out()).toMatch(/skipped \(the previous run still goes; overlap: skip\)/);
    expect(maxActive).toBe(1);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const r of requests) {
      expect(r.runId).toMatch(/^remote-\d{8}-\d{6}$/);
      expect(r).toMatchObject({ dryRun: true, schedule: 'remote', config });
      expect(Date.parse(r.window!.to) - Date.parse(r.window!.from)).toBe(2000);
    }
    expect(new Set(requests.map((r) => r.runId)).size).toBe(requests.length);
  } finally {
    await w.close();
  }
}, 60_000);

async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
