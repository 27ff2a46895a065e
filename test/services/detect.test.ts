import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { executeLogAnomaly } from '../../src/services/detect.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { DEFAULT_DETECTION_CONFIG } from '../../src/detector/index.js';
import type { DetectInput } from '../../src/contracts.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FORMAT = { type: 'loghub', pattern: '<Date> <Time> <Level> <Component>: <Content>' } as const;

/** The demo logs as ingestion would write them (events NDJSON). */
async function eventsFromDemo(dir: string): Promise<string> {
  const out: string[] = [];
  for (const svc of ['api-gateway', 'auth', 'payments', 'worker']) {
    const text = await readFile(join(ROOT, 'examples/logs', `${svc}.log`), 'utf8');
    for (const l of text.split('\n')) {
      const m = /^(\S+ \S+) (\S+) (\S+): (.*)$/.exec(l);
      if (m) out.push(JSON.stringify({ timestamp: Date.parse(m[1].replace(' ', 'T') + 'Z'), stream: svc, message: m[4], level: m[2] }));
    }
  }
  const file = join(dir, 'events.ndjson');
  await writeFile(file, out.join('\n') + '\n');
  return file;
}

function input(runDir: string, eventsFile: string, detector: DetectInput['detector']): DetectInput {
  // env: what the composition root passes (its own environment); an external command inherits it.
  return { runDir, eventsFile, config: DEFAULT_DETECTION_CONFIG, detector, baseDir: ROOT, format: FORMAT, env: process.env };
}

describe('executeLogAnomaly', { timeout: 60_000 }, () => {
  it('builtin: learns the baseline, finds the demo incidents, writes artifacts and the model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-'));
    const events = await eventsFromDemo(dir);
    const modelPath = join(dir, 'model', 'baseline.json');
    const ctx = createStandaloneContext();
    const out = await executeLogAnomaly(
      input(dir, events, { type: 'builtin', baseline: ['examples/baseline/*.log.gz'], modelPath, sessionKey: 'req=([0-9a-f]{16})' }),
      ctx,
    );
    expect(out.lines).toBe(5507);
    const doc = JSON.parse(await readFile(out.anomaliesFile, 'utf8'));
    const kinds = new Set(doc.anomalies.map((a: { kind: string }) => a.kind));
    for (const k of ['new_template', 'frequency_spike', 'silence', 'session_anomaly']) expect(kinds).toContain(k);
    expect(doc.baseline.lines).toBe(22818);
    // The demo's four injected incidents (examples/logs/ground-truth.json), the pool exhausted first
    // and as the trigger of its own incident, ahead of the 503s and the error surge it causes.
    const incidents = doc.incidents as { title: string; trigger: string; findings: string[] }[];
    expect(incidents[0].title).toBe('payments: db connection pool exhausted');
    const byId = new Map(doc.anomalies.map((a: { id: string; template: string }) => [a.id, a]));
    expect((byId.get(incidents[0].trigger) as { template: string }).template).toMatch(/^req=<\*> db connection pool exhausted/);
    expect(incidents.map((i) => i.title.split(':')[0])).toEqual(['payments', 'api-gateway', 'worker', 'req=<*> POST <*> from <*> items=<*>']);
    expect(incidents.flatMap((i) => i.findings).sort()).toEqual(doc.anomalies.map((a: { id: string }) => a.id).sort());
    const csv = await readFile(out.templatesFile, 'utf8');
    expect(csv.split('\n')[0]).toBe('TemplateId,Template,Count');
    expect(csv).toMatch(/\n[0-9a-f]{8},"?req=<\*> db connection pool exhausted/);
    expect(JSON.parse(await readFile(modelPath, 'utf8')).schema).toBe('log-anomaly-pipeline/baseline');
    expect(ctx.artifacts.map((a) => a.name)).toEqual(['anomalies.json', 'templates.csv']);
    expect(ctx.progressUpdates.at(-1)).toMatchObject({ unit: 'lines', current: 5507 });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Second run learns from the saved model: the new error is no longer new.
    const again = await executeLogAnomaly(input(dir, events, { type: 'builtin', modelPath }), createStandaloneContext());
    const doc2 = JSON.parse(await readFile(again.anomaliesFile, 'utf8'));
    expect(doc2.anomalies.filter((a: { kind: string }) => a.kind === 'new_template')).toEqual([]);
  });

  it('an empty events file: anomalies.json and the step log say nothing was checked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-'));
    const events = join(dir, 'events.ndjson');
    await writeFile(events, '');
    const ctx = createStandaloneContext();
    const out = await executeLogAnomaly(input(dir, events, { type: 'builtin' }), ctx);
    expect(out.lines).toBe(0);
    const doc = JSON.parse(await readFile(out.anomaliesFile, 'utf8'));
    expect(doc.notices.map((n: { code: string }) => n.code)).toEqual(['no_input']);
    expect(ctx.logs).toContainEqual({ level: 'warn', msg: 'no log lines were read from the input: nothing was checked', fields: { notice: 'no_input' } });
  });

  it('a corrupt events line is an error naming file, line and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-'));
    const events = join(dir, 'events.ndjson');
    await writeFile(events, '{"timestamp":1,"stream":"a","message":"ok"}\n{"timestamp":"soon","stream":"a","message":"x"}\n');
    await expect(executeLogAnomaly(input(dir, events, { type: 'builtin' }), createStandaloneContext())).rejects.toThrow(/events\.ndjson:2 timestamp: expected epoch milliseconds or null, got "soon"/);
  });

  it('external command: placeholders, validated output, templates listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-'));
    const events = join(dir, 'events.ndjson');
    await writeFile(events, '{"timestamp":1000,"stream":"a","message":"boom"}\n');
    const script = join(dir, 'det.mjs');
    await writeFile(script, `
      import { readFileSync, writeFileSync } from 'node:fs';
      const [events, out] = process.argv.slice(2);
      const n = readFileSync(events, 'utf8').trim().split('\\n').length;
      const bad = process.env.BAD === '1';
      writeFileSync(out, JSON.stringify({ schema: 'log-anomaly-pipeline/anomalies', version: 1, input: { lines: n, streams: ['a'], from: 1000, to: 1000, templates: 1 },
        anomalies: [{ id: 'x', kind: 'new_template', severity: bad ? 'urgent' : 'high', score: 5, template: 'boom', templateId: 'T1', count: n, expected: 0,
          firstSeen: 1000, lastSeen: 1000, explanation: 'external says so', samples: [{ line: 'boom', lineNo: 1, stream: 'a', timestamp: 1000 }] }] }));
      console.error('external detector done');
    `);
    const ctx = createStandaloneContext();
    const out = await executeLogAnomaly(input(dir, events, { type: 'command', command: [process.execPath, script, '{events}', '{out}'] }), ctx);
    expect(out).toMatchObject({ lines: 1, anomalies: 1, templates: 1 });
    const doc = JSON.parse(await readFile(out.anomaliesFile, 'utf8'));
    expect(doc.anomalies[0].explanation).toBe('external says so');
    expect(doc.histogram).toEqual({ start: null, bucketSeconds: 300, counts: [], anomalous: [] });
    // A version 1 document (no incidents) is read, and its incidents are filled in.
    expect(doc.version).toBe(2);
    expect(doc.incidents).toEqual([expect.objectContaining({ trigger: 'x', findings: ['x'], title: 'a: boom', severity: 'high' })]);
    expect(await readFile(out.templatesFile, 'utf8')).toBe('TemplateId,Template,Count\nT1,boom,1\n');
    expect(ctx.logs.some((l) => l.msg === 'detector: external detector done')).toBe(true);

    process.env.BAD = '1';
    try {
      await expect(executeLogAnomaly(input(dir, events, { type: 'command', command: [process.execPath, script, '{events}', '{out}'] }), createStandaloneContext())).rejects.toMatchObject({
        code: 'DETECTOR_FAILED',
        retryable: false,
        message: expect.stringMatching(/anomalies\[0\]\.severity: expected one of info, low, medium, high, critical, got "urgent"/),
      });
    } finally {
      delete process.env.BAD;
    }
  });

  it('external command: non-zero exit and timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'detect-'));
    const events = join(dir, 'events.ndjson');
    await writeFile(events, '');
    const fail = [process.execPath, '-e', 'console.error("no model"); process.exit(3)'];
    await expect(executeLogAnomaly(input(dir, events, { type: 'command', command: fail }), createStandaloneContext())).rejects.toMatchObject({
      code: 'DETECTOR_FAILED',
      retryable: false,
      message: expect.stringContaining('exited with code 3: no model'),
    });
    // Killed by a signal nobody here sent (an OOM kill): worth another attempt.
    const killed = [process.execPath, '-e', 'process.kill(process.pid, "SIGKILL")'];
    await expect(executeLogAnomaly(input(dir, events, { type: 'command', command: killed }), createStandaloneContext())).rejects.toMatchObject({
      code: 'DETECTOR_FAILED',
      retryable: true,
      message: expect.stringContaining('was killed by SIGKILL'),
    });
    await expect(executeLogAnomaly(input(dir, events, { type: 'command', command: ['no-such-detector-binary'] }), createStandaloneContext())).rejects.toMatchObject({
      code: 'DETECTOR_FAILED',
      message: expect.stringContaining('command not found: no-such-detector-binary'),
    });
    const hang = [process.execPath, '-e', 'setTimeout(() => {}, 60000)'];
    await expect(executeLogAnomaly(input(dir, events, { type: 'command', command: hang, timeoutMs: 300 }), createStandaloneContext())).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    // Abort once the detector is running (it said so on stdout), not after a guessed delay.
    const ac = new AbortController();
    const running = [process.execPath, '-e', 'console.log("ready"); setTimeout(() => {}, 60000)'];
    const ctx = createStandaloneContext({ signal: ac.signal, onLog: (_l, msg) => msg === 'detector: ready' && ac.abort() });
    await expect(executeLogAnomaly(input(dir, events, { type: 'command', command: running }), ctx)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(ctx.logs.map((l) => l.msg)).toContain('detector: ready');
  });
});
