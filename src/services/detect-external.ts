/**
 * `detector.command`: an external detector, run without a shell. Its argv may contain
 * placeholders, also passed as environment variables:
 *   {events}    LOG_ANOMALY_EVENTS     the events NDJSON to read
 *   {out}       LOG_ANOMALY_OUT        where to write anomalies JSON (schema in anomalies-schema.ts)
 *   {templates} LOG_ANOMALY_TEMPLATES  optional: where to write TemplateId,Template,Count CSV
 *   {config}    LOG_ANOMALY_CONFIG     the detection config as JSON
 *   {runDir}    LOG_ANOMALY_RUN_DIR    the run directory
 * Its output is validated (errors name the field) before anomalies.json is written. Exit code
 * != 0: DETECTOR_FAILED, not retried; killed by a signal we did not send (the OOM killer, say):
 * DETECTOR_FAILED, retried; over `timeoutMs`: TIMEOUT (retried); cancelled: ABORTED.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DetectInput } from '../contracts.js';
import type { DetectorSettings } from '../config/settings-types.js';
import type { ServiceContext } from './context.js';
import { AbortedError, PipelineError, ErrorCode, TimeoutError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { validateAnomaliesDoc, type AnomaliesDoc } from '../detector/index.js';
import { csvField } from '../detector/templates-csv.js';
import { truncate } from '../util/sanitize.js';
import { jsonProblem } from '../util/json-problem.js';

const KILL_GRACE_MS = 2000;

export async function runExternalDetector(
  input: DetectInput,
  settings: Extract<DetectorSettings, { type: 'command' }>,
  ctx: ServiceContext,
  files: { anomaliesFile: string; templatesFile: string },
): Promise<{ doc: AnomaliesDoc; templates: number }> {
  if (settings.command.length === 0) throw new PipelineError(ErrorCode.SETTINGS_INVALID, 'detector.command: expected a non-empty argv array');
  const out = join(input.runDir, '.detector-out.json');
  const templatesOut = join(input.runDir, '.detector-templates.csv');
  const configFile = join(input.runDir, '.detector-config.json');
  await rm(out, { force: true });
  await rm(templatesOut, { force: true });
  await writeJsonAtomic(configFile, input.config);
  const vars: Record<string, string> = { events: input.eventsFile, out, templates: templatesOut, config: configFile, runDir: input.runDir };
  const argv = settings.command.map((a) => a.replace(/\{(events|out|templates|config|runDir)\}/g, (_, k: string) => vars[k]));
  const env = {
    ...input.env,
    LOG_ANOMALY_EVENTS: vars.events,
    LOG_ANOMALY_OUT: vars.out,
    LOG_ANOMALY_TEMPLATES: vars.templates,
    LOG_ANOMALY_CONFIG: vars.config,
    LOG_ANOMALY_RUN_DIR: vars.runDir,
  };
  ctx.log.info('running external detector', { command: argv[0] });
  await run(argv, env, input.baseDir, settings.timeoutMs, ctx);

  let text: string;
  try {
    text = await readFile(out, 'utf8');
  } catch {
    throw new PipelineError(ErrorCode.DETECTOR_FAILED, `detector.command ${argv[0]} exited 0 but wrote no output to {out} (${out})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PipelineError(ErrorCode.DETECTOR_FAILED, `detector.command output ${out}: not JSON (${jsonProblem(err)})`);
  }
  const doc = validateAnomaliesDoc(value, `detector.command output`, { bucketSeconds: input.config.thresholds.bucketSeconds });
  await writeJsonAtomic(files.anomaliesFile, doc);
  let csv: string | null;
  try {
    csv = await readFile(templatesOut, 'utf8');
  } catch {
    csv = null;
  }
  let templates: number;
  if (csv !== null) {
    if (!csv.startsWith('TemplateId,Template,Count')) throw new PipelineError(ErrorCode.DETECTOR_FAILED, 'detector.command templates CSV ({templates}): expected the header TemplateId,Template,Count');
    templates = Math.max(0, csv.trimEnd().split('\n').length - 1);
    await writeFileAtomic(files.templatesFile, csv);
  } else {
    // No templates CSV from the tool: list the templates its findings name.
    const seen = new Map<string, { template: string; count: number }>();
    for (const a of doc.anomalies) if (!seen.has(a.templateId)) seen.set(a.templateId, { template: a.template, count: a.count });
    templates = seen.size;
    await writeFileAtomic(files.templatesFile, ['TemplateId,Template,Count', ...[...seen].map(([id, t]) => `${csvField(id)},${csvField(t.template)},${t.count}`)].join('\n') + '\n');
  }
  await rm(out, { force: true });
  await rm(templatesOut, { force: true });
  await rm(out, { force: true });
  await rm(templatesOut, { force: true });
  return { doc, templates };
}

function run(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number | undefined, ctx: ServiceContext): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stopping: 'timeout' | 'abort' | null = null;
    const tail: string[] = [];
    const forward = (level: 'info' | 'warn') => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const l = truncate(line, 500);
        ctx.log[level](`detector: ${l}`);
        if (level === 'warn') {
          tail.push(l);
          if (tail.length > 5) tail.shift();
        }
      }
    };
    child.stdout.on('data', forward('info'));
    child.stderr.on('data', forward('warn'));
    const stop = (why: 'timeout' | 'abort') => {
      if (stopping || child.exitCode !== null) return;
      stopping = why;
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = timeoutMs ? setTimeout(() => stop('timeout'), timeoutMs) : null;
    const onAbort = () => stop('abort');
    // An abort that came while we were preparing would never fire the listener: check it too.
    if (ctx.signal.aborted) stop('abort');
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (timer) clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      done();
      const what = err.code === 'ENOENT' ? `command not found: ${argv[0]}` : err.message;
      reject(new PipelineError(ErrorCode.DETECTOR_FAILED, `detector.command: ${what}`, { cause: err, retryable: false }));
    });
    child.on('close', (code, signal) => {
      done();
      if (stopping === 'abort') { reject(new AbortedError('external detector cancelled', { cause: ctx.signal.reason })); return; }
      if (stopping === 'timeout') { reject(new TimeoutError(`detector.command ${argv[0]} timed out after ${timeoutMs}ms and was killed`)); return; }
      if (signal) { reject(new PipelineError(ErrorCode.DETECTOR_FAILED, `detector.command ${argv[0]} was killed by ${signal}`, { retryable: true })); return; }
      if (code !== 0) {
        const why = tail.length ? `: ${tail.join(' | ')}` : '';
        reject(new PipelineError(ErrorCode.DETECTOR_FAILED, `detector.command ${argv[0]} exited with code ${code}${why}`, { retryable: false })); return;
      }
      resolvePromise();
    });
  });
}
