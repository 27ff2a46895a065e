/**
 * `serve` for real: the built CLI, the bundled demo logs, --dry-run (no email), a six-field cron.
 * Waits for events in serve's output, never for a fixed time.
 */
import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';

async function settingsWith(schedules: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lap-serve-'));
  const file = join(dir, 'settings.yaml');
  await writeFile(file, `${demoSourceYaml()}detector: { type: builtin, baseline: [${JSON.stringify(join(import.meta.dirname, '..', '..', 'examples', 'baseline', '*.log.gz'))}], sessionKey: "req=([0-9a-f]{16})" }
output: { dir: ${JSON.stringify(join(dir, 'runs'))} }
schedules:
${schedules}`);
  return { dir, file };
}

async function runRecords(runsDir: string): Promise<Record<string, any>[]> {
  const out = [];
  for (const name of await readdir(runsDir)) {
    if (name.startsWith('.') || name === 'uploads') continue;
    out.push(JSON.parse(await readFile(join(runsDir, name, 'run.json'), 'utf8')));
  }
  return out;
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('log-anomaly serve', () => {
  it('runs a two-second schedule at least twice, never two at once, and stops cleanly on SIGTERM', async () => {
    const { dir, file } = await settingsWith(`  - { name: every2s, cron: "*/2 * * * * *", window: 2s }\n`);
    let sent = false;
    const res = await runCli(['serve', '--config', file, '--dry-run'], {
      onSpawn: (kill, stdout) => {
        const poll = setInterval(() => {
          // Two runs ended (whatever the machine's speed): stop serve with SIGTERM.
          if (!sent && count(stdout(), /^schedule every2s: run every2s-\S+ completed$/gm) >= 2) {
            sent = true;
            clearInterval(poll);
            kill('SIGTERM');
          }
        }, 100);
      },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/SIGTERM: no more ticks/);
    expect(res.stdout).toMatch(/log-anomaly serve: stopped\n$/);
    const records = await runRecords(join(dir, 'runs'));
    const done = records.filter((r) => r.status === 'completed');
    expect(done.length).toBeGreaterThanOrEqual(2);
    for (const r of records) {
      expect(r.runId).toMatch(/^every2s-\d{8}-\d{6}$/);
      expect(r.params).toMatchObject({ dryRun: true, schedule: 'every2s' });
      // The window is the tick's own: it ends at the time the run id names.
      const to = r.params.window.to as string;
      expect(r.runId.slice(-15)).toBe(to.slice(0, 19).replaceAll('-', '').replaceAll(':', '').replace('T', '-'));
      expect(Date.parse(to) - Date.parse(r.params.window.from)).toBe(2000);
    }
    // Never two at once: each run started after the previous one finished.
    const spans = records.map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    // The next serve must not redo a tick: the state file remembers the last one.
    const state = JSON.parse(await readFile(join(dir, 'runs', '.schedules', 'state.json'), 'utf8'));
    expect(Date.parse(state.lastTick.every2s)).toBeGreaterThanOrEqual(Math.max(...records.map((r) => Date.parse(r.params.window.to))));
  }, 90_000);

  it('serves /metrics on loopback with the real figures of a run (a catch-up tick after downtime)', async () => {
    // A yearly rule whose last tick was two years ago, catchup 1: exactly one run starts at once.
    const { dir, file } = await settingsWith(`  - { name: yearly, cron: "0 0 1 1 *", window: 1d, catchup: 1 }\n`);
    await mkdir(join(dir, 'runs', '.schedules'), { recursive: true });
    await writeFile(join(dir, 'runs', '.schedules', 'state.json'), JSON.stringify({ v: 1, lastTick: { yearly: '2024-01-01T00:00:00.000Z' } }));
    let scraped = '';
    let scrapeError: unknown;
    const res = await runCli(['serve', '--config', file, '--dry-run', '--metrics-port', '0'], {
      onSpawn: (kill, stdout) => {
        const poll = setInterval(() => {
          const out = stdout();
          const url = /metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out)?.[1];
          if (!url || !/^schedule yearly: run yearly-\S+ completed$/m.test(out)) return;
          clearInterval(poll);
          fetch(url)
            .then(async (r) => {
              expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
              scraped = await r.text();
            })
            .catch((e: unknown) => (scrapeError = e))
            .finally(() => kill('SIGTERM'));
        }, 100);
      },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(scrapeError).toBeUndefined();
    expect(res.stdout).toMatch(/tick \S+ -> run yearly-\d{8}-000000 \(catch-up\)/);
    expect(scraped).toMatch(/^log_anomaly_runs_total\{status="completed"\} 1$/m);
    expect(scraped).toMatch(/^log_anomaly_runs_active 0$/m);
    expect(scraped).toMatch(/^log_anomaly_events_ingested_total 5507$/m);
    // The demo's findings, by kind and severity, as the run's summary counted them.
    const [record] = await runRecords(join(dir, 'runs'));
    const byKind = record.summary.anomalies.byKind as Record<string, Record<string, number>>;
    expect(Object.keys(byKind).length).toBeGreaterThan(0);
    let total = 0;
    for (const [kind, bySev] of Object.entries(byKind)) {
      for (const [severity, n] of Object.entries(bySev)) {
        total += n;
        expect(scraped).toContain(`log_anomaly_anomalies_total{kind="${kind}",severity="${severity}"} ${n}\n`);
      }
    }
    expect(total).toBe(record.summary.anomalies.reported);
    expect(scraped).toMatch(/^log_anomaly_step_attempts_total\{step="execute_logAnomaly"\} 1$/m);
    expect(scraped).toMatch(/^log_anomaly_step_duration_seconds_count\{step="execute_logAnomaly",status="done"\} 1$/m);
  }, 90_000);

  it('serves the run data as JSON and the live bus events as server-sent events', async () => {
    const { file } = await settingsWith(`  - { name: api, cron: "*/2 * * * * *", window: 2s }\n`);
    const seen: Record<string, any>[] = [];
    let runs: Record<string, any>[] = [];
    let detail: Record<string, any> = {};
    let traversal = 0;
    let failure: unknown;
    const res = await runCli(['serve', '--config', file, '--dry-run', '--metrics-port', '0'], {
      onSpawn: (kill, stdout) => {
        const poll = setInterval(() => {
          const base = /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(stdout())?.[1];
          if (!base) return;
          clearInterval(poll);
          (async () => {
            const sse = await fetch(`${base}/api/events`);
            expect(sse.headers.get('content-type')).toBe('text/event-stream');
            const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
            let buf = '';
            // Read until one run's final event arrives.
            while (!seen.some((e) => e.type === 'run' && e.status !== 'started')) {
              const { value, done } = await reader.read();
              if (done) break;
              buf += value;
              for (const m of buf.matchAll(/^data: (.*)$/gm)) seen.push(JSON.parse(m[1]));
              buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
            }
            await reader.cancel();
            const final = seen.find((e) => e.type === 'run' && e.status !== 'started')!;
            runs = (await (await fetch(`${base}/api/runs`)).json()) as Record<string, any>[];
            detail = (await (await fetch(`${base}/api/runs/${final.runId}`)).json()) as Record<string, any>;
            traversal = (await fetch(`${base}/api/runs/..%2F..%2Fetc`)).status;
          })()
            .catch((e: unknown) => (failure = e))
            .finally(() => kill('SIGTERM'));
        }, 100);
      },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(failure).toBeUndefined();
    const final = seen.find((e) => e.type === 'run' && e.status !== 'started')!;
    expect(final).toMatchObject({ status: 'completed', params: { schedule: 'api' } });
    // Events arrive in order, as the bus numbered them.
    const mine = seen.filter((e) => e.runId === final.runId).map((e) => e.seq as number);
    expect(mine).toEqual([...mine].sort((a, b) => a - b));
    expect(runs.find((r) => r.runId === final.runId)).toMatchObject({ status: 'completed', anomalies: expect.any(Number) });
    expect(detail).toMatchObject({ runId: final.runId, status: 'completed', summary: { anomalies: { total: expect.any(Number) } } });
    expect(traversal).toBe(400);
  }, 90_000);

  it('a settings file without schedules is bad input (exit 2)', async () => {
    const res = await runCli(['serve']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/no schedules: add a `schedules:` list/);
  });
});
