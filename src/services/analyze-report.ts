/**
 * analyze_report: the detection config's rules over the detector's findings, the notify decision,
 * and the three report files. report.md and report.html are written first and report.json last, so
 * a report.json on disk means the report is complete (every file through temp + rename).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalyzeInput, AnalyzeOutput } from '../contracts.js';
import type { AnomalyBrief, IncidentBrief } from '../bus/events.js';
import { groupIncidents } from '../detector/incidents.js';
import type { Incident } from '../detector/anomalies-schema.js';
import { sampleFor } from '../detector/template-match.js';
import { muteId, type MuteEntry } from '../detector/mutes.js';
import { loadMutes } from '../detector/baseline/mutes-store.js';
import type { ServiceContext } from './context.js';
import { validateAnomaliesDoc } from '../detector/validate.js';
import { ErrorCode, PipelineError, throwIfAborted, errnoCode, messageOf } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { truncate } from '../util/sanitize.js';
import { applyRules, compileIgnorePatterns, countBySeverity, decideNotify, routeIncidents, routeWebhooks, type ReportedFinding } from './report/rules.js';
import { buildReport } from './report/model.js';
import { renderMarkdown } from './report/render-md.js';
import { renderHtml } from './report/render-html.js';
import { jsonProblem } from '../util/json-problem.js';

/** How many findings the run summary (CLI line, TUI, email) carries. */
export const TOP_FINDINGS = 10;

async function readAnomalies(file: string, signal: AbortSignal) {
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', signal });
  } catch (err) {
    throwIfAborted(signal, 'analyze_report');
    const code = errnoCode(err);
    throw new PipelineError(code === 'ENOENT' ? ErrorCode.NOT_FOUND : ErrorCode.IO, `cannot read ${file}: ${messageOf(err)}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PipelineError(ErrorCode.INPUT_INVALID, `${file}: ${jsonProblem(err)}`, { details: { file } });
  }
  return validateAnomaliesDoc(value, file);
}

/** How many incidents the run summary and the email carry. */
export const TOP_INCIDENTS = 10;

/**
 * A finding as the summary, TUI and email show it. The sample shown is one that is an instance of
 * the template shown (a session finding's samples are the session's first lines, which may not be).
 */
/** kind -> severity -> count, for the run summary (metrics label anomalies by both). */
function countByKind(findings: readonly { kind: string; severity: string }[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const f of findings) {
    const bySev = (out[f.kind] ??= {});
    bySev[f.severity] = (bySev[f.severity] ?? 0) + 1;
  }
  return out;
}

export function toBrief(f: ReportedFinding, borrow: readonly ReportedFinding[] = []): AnomalyBrief {
  const sample = sampleFor(f.template, f.samples) ?? sampleFor(f.template, borrow.filter((o) => o.template === f.template).flatMap((o) => o.samples));
  return {
    kind: f.kind,
    severity: f.severity,
    score: Math.round(f.score * 100) / 100,
    template: truncate(f.template, 200),
    count: f.count,
    expected: f.expected,
    ...(sample !== undefined ? { sample: truncate(sample, 300) } : {}),
    explanation: f.explanation,
  };
}

export function toIncidentBrief(inc: Incident, byId: ReadonlyMap<string, ReportedFinding>, all: readonly ReportedFinding[]): IncidentBrief {
  const trigger = byId.get(inc.trigger);
  if (!trigger) throw new Error(`incident ${inc.id}: trigger ${inc.trigger} is not a reported finding`);
  return {
    id: inc.id,
    title: truncate(inc.title, 120),
    severity: inc.severity,
    onset: inc.onset,
    streams: inc.streams.slice(0, 10),
    findings: inc.findings.length,
    trigger: toBrief(trigger, all),
  };
}

/** The mutes file's entries and the detection config's, each marked with where it came from. */
async function activeMuteEntries(input: AnalyzeInput): Promise<MuteEntry[]> {
  const fromFile = input.mutesFile ? (await loadMutes(input.mutesFile)).entries : [];
  const fromConfig = input.config.mutes.map((m) => ({ ...m, id: muteId(m), createdAt: '', origin: 'detection config' }));
  return [...fromConfig, ...fromFile];
}

export async function analyzeReport(input: AnalyzeInput, ctx: ServiceContext): Promise<AnalyzeOutput> {
  const { signal, log } = ctx;
  throwIfAborted(signal, 'analyze_report');
  const doc = await readAnomalies(input.anomaliesFile, signal);
  const ignore = compileIgnorePatterns(input.config.ignore, `detection config ${input.configMeta.origin}`);
  const mutes = await activeMuteEntries(input);
  const outcome = applyRules(doc.anomalies, input.config, ignore, mutes);
  const bySeverity = countBySeverity(outcome.reported);
  // Over the reported findings: a suppressed finding is not part of what a person is told.
  const incidents = groupIncidents(outcome.reported, doc.bucketSeconds);
  const routes = routeIncidents(incidents, outcome.reported, input.config);
  const hooks = routeWebhooks(incidents, outcome.reported, input.config);
  const decision = decideNotify(outcome.reported, input.config, routes, hooks);
  const report = buildReport({ input, doc, outcome, incidents, bySeverity, decision, generatedAt: new Date().toISOString() });
  log.info('analysis done', {
    total: doc.anomalies.length,
    reported: outcome.reported.length,
    incidents: incidents.length,
    suppressed: report.counts.suppressed,
    shouldNotify: decision.shouldNotify,
  });
  log.info(decision.reason);

  const files = {
    reportMd: join(input.runDir, 'report.md'),
    reportHtml: join(input.runDir, 'report.html'),
    reportJson: join(input.runDir, 'report.json'),
  };
  // A report.json from an earlier attempt would vouch for files this attempt is about to replace.
  await rm(files.reportJson, { force: true });
  const contents: [string, string][] = [
    [files.reportMd, renderMarkdown(report)],
    [files.reportHtml, renderHtml(report)],
  ];
  for (const [file, text] of contents) {
    throwIfAborted(signal, 'analyze_report');
    await writeFileAtomic(file, text);
    ctx.artifact({ name: file.slice(input.runDir.length + 1), uri: pathToFileURL(file).href, bytes: Buffer.byteLength(text) });
  }
  throwIfAborted(signal, 'analyze_report');
  const json = JSON.stringify(report, null, 2) + '\n';
  await writeFileAtomic(files.reportJson, json);
  ctx.artifact({ name: 'report.json', uri: pathToFileURL(files.reportJson).href, bytes: Buffer.byteLength(json) });

  const h = doc.histogram;
  const byId = new Map(outcome.reported.map((f) => [f.id, f]));
  return {
    ...files,
    shouldNotify: decision.shouldNotify,
    notifyReason: decision.reason,
    recipients: routes.map((r) => r.to),
    routes: routes.map((r) => ({
      to: r.to,
      incidents: r.incidents.slice(0, TOP_INCIDENTS).map((inc) => toIncidentBrief(inc, byId, outcome.reported)),
      total: r.incidents.length,
    })),
    ...(hooks.length > 0
      ? {
          webhooks: hooks.map(({ webhook: { streams: _s, kinds: _k, minSeverity: _m, ...w }, incidents: mine }) => ({
            ...w,
            incidents: mine.slice(0, TOP_INCIDENTS).map((inc) => toIncidentBrief(inc, byId, outcome.reported)),
            total: mine.length,
          })),
        }
      : {}),
    reported: outcome.reported.length,
    total: doc.anomalies.length,
    bySeverity,
    byKind: countByKind(outcome.reported),
    top: outcome.reported.slice(0, TOP_FINDINGS).map((f) => toBrief(f, outcome.reported)),
    incidents: incidents.slice(0, TOP_INCIDENTS).map((inc) => toIncidentBrief(inc, byId, outcome.reported)),
    source: input.ingest.source,
    ...(h.start !== null && h.counts.length > 0
      ? { histogram: { start: h.start, bucketSeconds: h.bucketSeconds, counts: h.counts, anomalous: h.anomalous } }
      : {}),
  };
}
