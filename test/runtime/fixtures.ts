/** Settings and stub services for runtime tests: real machines, real bus, fake work. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETRYABLE_STEPS } from '../../src/dag.js';
import type { PipelineSettings } from '../../src/config/settings-types.js';
import type { Services } from '../../src/contracts.js';
import type { BusEvent, StepEvent } from '../../src/bus/events.js';
import type { ServiceContext } from '../../src/services/context.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lap-runtime-'));
}

export function settingsIn(dir: string, timeoutMs = 5000, attempts = 2): PipelineSettings {
  return {
    file: join(dir, 'settings.yaml'),
    source: { type: 'file', paths: ['logs/*.log'] },
    format: { type: 'raw' },
    detectionConfig: { location: 'config.yaml' },
    install: { commands: [] },
    detector: { type: 'builtin' },
    upload: { type: 'local', dir: join(dir, 'uploads') },
    steps: Object.fromEntries(RETRYABLE_STEPS.map((s) => [s, { attempts, baseDelayMs: 1, maxDelayMs: 2, timeoutMs }])) as PipelineSettings['steps'],
    output: { dir: join(dir, 'runs') },
    mutes: { file: join(dir, 'runs', 'mutes.json') },
  };
}

export const analysis = {
  reportJson: 'report.json',
  reportMd: 'report.md',
  reportHtml: 'report.html',
  shouldNotify: true,
  notifyReason: 'two findings at or above high',
  recipients: ['ops@example.com'],
  reported: 2,
  total: 3,
  bySeverity: { high: 2, low: 1 },
  top: [],
  incidents: [],
};

/** Services that succeed at once, recording what they were called with. */
export function stubServices(calls: { step: keyof Services; input: unknown; ctx: ServiceContext }[] = []): Services {
  const rec = <O>(step: keyof Services, out: (input: any) => O) => async (input: unknown, ctx: ServiceContext) => {
    calls.push({ step, input, ctx });
    return out(input);
  };
  return {
    installPackages: rec('installPackages', () => ({ ran: 0 })),
    ingestLogs: rec('ingestLogs', (i) => ({ eventsFile: join(i.runDir, 'events.ndjson'), lines: 10, bytes: 100, streams: ['api', 'db'], unparsed: 0, from: 1, to: 2, source: 'file:logs/*.log (2 files)' })),
    downloadConfig: rec('downloadConfig', (i) => ({ config: { version: '3', notify: { subjectPrefix: '[anomaly]' } } as any, version: '3', origin: 'config.yaml', revision: 'rev-9', fromCache: false, file: join(i.runDir, 'detection-config.yaml') })),
    executeLogAnomaly: rec('executeLogAnomaly', (i) => ({ anomaliesFile: join(i.runDir, 'anomalies.json'), templatesFile: join(i.runDir, 'templates.csv'), lines: 10, templates: 4, anomalies: 3 })),
    analyzeReport: rec('analyzeReport', () => analysis),
    sendNotificationEmails: rec('sendNotificationEmails', () => ({ status: 'sent' as const, recipients: 1, messageIds: ['<1@x>'] })),
    sendWebhooks: rec('sendWebhooks', () => ({ deliveries: [] })),
    uploadReport: rec('uploadReport', (i) => ({ uri: `file:///up/${i.runId}/report.html`, files: [] })),
  };
}

/** A service that never finishes on its own: resolves `started` and rejects when its signal aborts. */
export function hanging() {
  let markStarted!: (ctx: ServiceContext) => void;
  const started = new Promise<ServiceContext>((r) => (markStarted = r));
  const fn = (_input: unknown, ctx: ServiceContext) =>
    new Promise<never>((_, reject) => {
      markStarted(ctx);
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  return { fn, started };
}

export const stepEvents = (events: BusEvent[]) => events.filter((e): e is StepEvent => e.type === 'step');
export const TERMINAL = ['done', 'skipped', 'failed', 'cancelled'];
export function terminalOf(events: BusEvent[]): Map<string, StepEvent[]> {
  const m = new Map<string, StepEvent[]>();
  for (const e of stepEvents(events)) if (TERMINAL.includes(e.status)) m.set(e.step, [...(m.get(e.step) ?? []), e]);
  return m;
}
