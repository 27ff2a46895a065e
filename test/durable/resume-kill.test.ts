/**
 * The fault matrix of issue 13 (resume): the built CLI is SIGKILLed at every step boundary and in
 * the middle of ingestion and detection (on the event that says it got there, never after a sleep),
 * then `run --resume`. Every case must end `completed` with the same anomalies.json and report.json
 * as an uninterrupted run (timestamps and run id aside), no orphan temp file, and the steps finished
 * before the kill skipped with reason `resumed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSourceYaml } from '../helpers/demo-settings.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { runAndKillAt } from '../helpers/kill-at.js';

const INGEST = 'prepare_prerequisite/execute_cloudwatchLog_injetion';
const CONFIG = 'prepare_prerequisite/download_config_yaml';
const DETECT = 'execute_logAnomaly';
const EMAIL = 'report_postProcess/analyze_report/send_notification_emails';
const UPLOAD = 'report_postProcess/upload_report';

let dir: string;
let out: string;
let settings: string;
let otherSettings: string;

/** Enough lines that ingestion and detection each report progress before they finish. */
async function writeBulkLog(file: string, lines: number): Promise<void> {
  const parts: string[] = [];
  const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
  for (let i = 0; i < lines; i++) {
    const ts = new Date(t0 + i * 20).toISOString().replace('T', ' ').replace('Z', '');
    parts.push(`${ts} INFO bulk: job ${i % 977} step ${i % 13} finished in ${(i * 7) % 50}ms`);
  }
  await writeFile(file, parts.join('\n') + '\n');
}

async function artifacts(runDir: string, runId: string) {
  const norm = (text: string) => JSON.parse(text.replaceAll(runId, 'RUN'), (k, v) => (k === 'generatedAt' ? undefined : v));
  return {
    anomalies: norm(await readFile(join(runDir, 'anomalies.json'), 'utf8')),
    report: norm(await readFile(join(runDir, 'report.json'), 'utf8')),
  };
}

async function tempFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.tmp')) found.push(join(e.parentPath, e.name));
  }
  return found;
}

const run = (id: string, cfg = settings, extra: string[] = []) => ['run', '--config', cfg, '--out-dir', out, '--skip-install', ...extra, ...(extra.includes('--resume') ? [] : ['--run-id', id])];

let baseline: Awaited<ReturnType<typeof artifacts>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-resume-'));
  out = join(dir, 'runs');
  const logs = join(dir, 'logs');
  await mkdir(logs);
  await cp(join(repoRoot, 'examples', 'logs'), logs, { recursive: true, filter: (s) => !s.endsWith('.json') });
  await writeBulkLog(join(logs, 'bulk.log'), 60_000);
  const yaml = demoSourceYaml().replace(/paths: \[[^\]]*\]/, `paths: [${JSON.stringify(join(logs, '*.log'))}]`);
  settings = join(dir, 'settings.yaml');
  await writeFile(settings, yaml);
  otherSettings = join(dir, 'settings-changed.yaml');
  await writeFile(otherSettings, yaml.replace('install: { commands: [] }', 'install: { commands: [["node", "--version"]] }'));
  const r = await runCli([...run('whole-run'), '--json']);
  expect(r.code, r.stderr).toBe(0);
  baseline = await artifacts(join(out, 'whole-run'), 'whole-run');
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Case = { name: string; when: (e: any) => boolean; resumedSteps: string[] };
const stepIs = (step: string, status: string) => (e: any) => e.type === 'step' && e.step === step && e.status === status;
const midway = (step: string) => (e: any) => e.type === 'progress' && e.step === step && e.current > 0 && (e.total === undefined || e.current < e.total);

const cases: Case[] = [
  { name: 'after run started', when: (e) => e.type === 'run' && e.status === 'started', resumedSteps: [] },
  { name: 'ingest started', when: stepIs(INGEST, 'running'), resumedSteps: [] },
  { name: 'mid-ingest', when: midway(INGEST), resumedSteps: [] },
  { name: 'config done', when: stepIs(CONFIG, 'done'), resumedSteps: [CONFIG] },
  { name: 'ingest done', when: stepIs(INGEST, 'done'), resumedSteps: [INGEST] },
  { name: 'detection started', when: stepIs(DETECT, 'running'), resumedSteps: [INGEST, CONFIG] },
  { name: 'mid-detection', when: midway(DETECT), resumedSteps: [INGEST, CONFIG] },
  { name: 'detection done', when: stepIs(DETECT, 'done'), resumedSteps: [INGEST, CONFIG, DETECT] },
  { name: 'upload started', when: stepIs(UPLOAD, 'running'), resumedSteps: [INGEST, CONFIG, DETECT, 'report_postProcess/analyze_report'] },
  { name: 'upload done', when: stepIs(UPLOAD, 'done'), resumedSteps: [DETECT, 'report_postProcess/analyze_report', UPLOAD] },
  { name: 'email started', when: stepIs(EMAIL, 'running'), resumedSteps: [DETECT, 'report_postProcess/analyze_report', UPLOAD] },
  { name: 'email done', when: stepIs(EMAIL, 'done'), resumedSteps: [DETECT, UPLOAD, EMAIL] },
];

describe('SIGKILL at each step boundary, then run --resume', () => {
  cases.forEach((c, i) => {
    it(`${c.name}: resumes to the same anomalies.json and report.json`, async () => {
      const id = `kill-${i}`;
      const killed = await runAndKillAt(run(id), c.when);
      expect(killed.killed, `${c.name} never happened: ${killed.stderr}`).toBe(true);
      expect(killed.signal).toBe('SIGKILL');
      const r = await runCli(['run', '--config', settings, '--out-dir', out, '--skip-install', '--resume', id, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      const resumed = events.filter((e) => e.type === 'step' && e.status === 'skipped' && e.reason === 'resumed').map((e) => e.step);
      for (const s of c.resumedSteps) expect(resumed, `${s} should not run again`).toContain(s);
      // A step that had not finished was run, not skipped.
      expect(events.some((e) => e.type === 'step' && e.status === 'done' && e.step === DETECT)).toBe(!resumed.includes(DETECT));
      const runJson = JSON.parse(await readFile(join(out, id, 'run.json'), 'utf8'));
      expect(runJson.status).toBe('completed');
      expect(await artifacts(join(out, id), id)).toEqual(baseline);
      expect(await tempFiles(join(out, id))).toEqual([]);
    }, 120_000);
  });

  it('mid-ingest: orphan temp files left by the killed execution are removed by the resume', async () => {
    const id = 'orphan';
    await runAndKillAt(run(id), midway(INGEST));
    // events.ndjson is no longer one (ingestion writes a partial file it resumes), so plant what a
    // writer killed between write and rename leaves (atomic-write's naming rule), beside any real one
    const left = (await tempFiles(join(out, id))).length;
    await writeFile(join(out, id, '.anomalies.json.99999.deadbeef.tmp'), '{');
    await writeFile(join(out, id, 'state', '.run-state.json.99999.0badf00d.tmp'), '{');
    const r = await runCli(['run', '--config', settings, '--out-dir', out, '--skip-install', '--resume', id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed ${left + 2} orphan temp file`);
    expect(await tempFiles(join(out, id))).toEqual([]);
  }, 120_000);

  it('changed settings: --resume is refused with exit 2; --force resumes anyway', async () => {
    const id = 'changed';
    await runAndKillAt(run(id), stepIs(DETECT, 'done'));
    const refused = await runCli(['run', '--config', otherSettings, '--out-dir', out, '--skip-install', '--resume', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot resume run changed: its settings changed.*--force/);
    const flags = await runCli(['run', '--config', settings, '--out-dir', out, '--skip-install', '--dry-run', '--resume', id]);
    expect(flags.code).toBe(2);
    const forced = await runCli(['run', '--config', otherSettings, '--out-dir', out, '--skip-install', '--resume', id, '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/"step":"execute_logAnomaly","status":"skipped","reason":"resumed"|"reason":"resumed"/);
  }, 120_000);

  it('a run id with no saved state cannot be resumed (exit 2)', async () => {
    const r = await runCli(['run', '--config', settings, '--out-dir', out, '--resume', 'never-ran']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot resume run never-ran: it has no saved state/);
  });
});
