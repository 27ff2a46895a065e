import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';

interface Report {
  counts: { reported: number };
  suppressed: { byReason: Record<string, number>; mutedBy: Record<string, number> };
  findings: { id: string; kind: string; templateId: string; template: string }[];
  incidents: { id: string; title: string; findings: string[] }[];
}

/** The demo, with its mutes file and runs in a temp dir. */
function demoSettings(dir: string): string {
  const file = join(dir, 'settings.yaml');
  writeFileSync(
    file,
    demoSourceYaml() +
      `detector:\n  type: builtin\n  baseline: [${JSON.stringify(join(repoRoot, 'examples', 'baseline', '*.log.gz'))}]\n  sessionKey: "req=([0-9a-f]{16})"\n` +
      `output: { dir: ${JSON.stringify(join(dir, 'runs'))} }\n`,
  );
  return file;
}

async function demoRun(settings: string, runId: string): Promise<Report> {
  const r = await runCli(['run', '--config', settings, '--run-id', runId, '--dry-run', '--headless']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(readFileSync(join(settings, '..', 'runs', runId, 'report.json'), 'utf8')) as Report;
}

describe('mute, accept, mutes', { timeout: 120_000 }, () => {
  it('a mute silences a template on the next runs, shows as muted, lists with its expiry, and ids hold across runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lap-mutes-'));
    const settings = demoSettings(dir);
    const first = await demoRun(settings, 'm1');
    const spike = first.findings.find((f) => f.kind === 'frequency_spike' && f.template.startsWith('cache miss'))!;
    expect(spike).toBeDefined();

    const muted = await runCli(['mute', spike.templateId, '--for', '7d', '--reason', 'cache flush planned', '--config', settings]);
    expect(muted.code, muted.stderr).toBe(0);
    expect(muted.stdout).toMatch(new RegExp(`^muted template ${spike.templateId} until \\d{4}-`));
    const file = JSON.parse(readFileSync(join(dir, 'runs', 'mutes.json'), 'utf8'));
    expect(file.entries).toHaveLength(1);

    const second = await demoRun(settings, 'm2');
    // Same template text, same template id and incident ids on the next run: a mute made today applies tomorrow.
    expect(second.incidents.map((i) => i.id).filter((id) => first.incidents.some((j) => j.id === id)).length).toBeGreaterThanOrEqual(3);
    expect(second.findings.some((f) => f.templateId === spike.templateId)).toBe(false);
    expect(second.suppressed.byReason.muted).toBe(first.findings.filter((f) => f.templateId === spike.templateId).length);
    expect(second.counts.reported).toBe(first.counts.reported - second.suppressed.byReason.muted);
    expect(readFileSync(join(dir, 'runs', 'm2', 'report.md'), 'utf8')).toMatch(/muted: [1-9]/);

    const listed = await runCli(['mutes', '--config', settings]);
    expect(listed.stdout).toMatch(new RegExp(`^m-[0-9a-f]{10}  mute    ${spike.templateId}  until \\d{4}-.*cache flush planned$`, 'm'));
  });

  it('an expired mute no longer applies and is listed only with --all; accept suppresses for good; bad input exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lap-mutes-'));
    const settings = demoSettings(dir);
    const first = await demoRun(settings, 'e1');
    const newTemplate = first.findings.find((f) => f.kind === 'new_template')!;
    const spike = first.findings.find((f) => f.kind === 'frequency_spike')!;
    writeFileSync(
      join(dir, 'runs', 'mutes.json'),
      JSON.stringify({
        schema: 'log-anomaly-pipeline/mutes',
        version: 1,
        entries: [{ id: 'm-0000000001', action: 'mute', templateId: spike.templateId, reason: 'old', until: '2020-01-01T00:00:00Z', createdAt: '2019-12-31T00:00:00Z' }],
      }),
    );
    const acc = await runCli(['accept', `new_template:${newTemplate.templateId}`, '--reason', 'new release logs this', '--config', settings]);
    expect(acc.code, acc.stderr).toBe(0);
    const second = await demoRun(settings, 'e2');
    expect(second.findings.some((f) => f.templateId === spike.templateId && f.kind === 'frequency_spike')).toBe(true);
    expect(second.findings.some((f) => f.kind === 'new_template' && f.templateId === newTemplate.templateId)).toBe(false);
    expect(second.suppressed.byReason.accepted).toBe(1);
    expect(second.suppressed.byReason.muted).toBe(0);

    expect((await runCli(['mutes', '--config', settings])).stdout).not.toContain('m-0000000001');
    expect((await runCli(['mutes', '--all', '--config', settings])).stdout).toMatch(/^m-0000000001 {2}mute .* expired 2020-01-01/m);

    const bad = await runCli(['mute', spike.templateId, '--for', 'soon', '--reason', 'x', '--config', settings]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--for: expected a duration such as 90m, 12h, 7d or 2w, got "soon"');
  });
});
