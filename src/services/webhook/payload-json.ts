/**
 * The generic webhook's body: a versioned JSON document a receiver can route on (`type`,
 * `version`) and deduplicate by (`id`, also the X-LogAnomaly-Delivery header). It carries what the
 * email says, as data: the run, the report link, and each incident with its probable trigger,
 * counts against what was expected and a sample line. Nothing time-of-sending is in the body, so
 * a resent delivery has the same body (the time is the signed X-LogAnomaly-Timestamp header).
 */
import type { IncidentBrief } from '../../bus/events.js';
import type { AnalyzeOutput } from '../../contracts.js';
import { truncate } from '../../util/sanitize.js';

export const WEBHOOK_EVENT = 'log_anomaly.incidents';
export const WEBHOOK_PAYLOAD_VERSION = 1;

/** Log text is data here (JSON escapes it), but a receiver should not get megabytes of one line. */
const MAX_TEXT = 2000;

export interface JsonPayloadInput {
  readonly id: string;
  readonly webhook: string;
  readonly runId: string;
  readonly reportUri?: string;
  readonly analysis: Pick<AnalyzeOutput, 'source' | 'reported' | 'bySeverity'>;
  readonly incidents: readonly IncidentBrief[];
  readonly total: number;
}

function incident(inc: IncidentBrief) {
  const t = inc.trigger;
  return {
    id: inc.id,
    title: truncate(inc.title, MAX_TEXT),
    severity: inc.severity,
    onset: inc.onset === null ? null : new Date(inc.onset).toISOString(),
    streams: inc.streams,
    findings: inc.findings,
    trigger: {
      kind: t.kind,
      severity: t.severity,
      score: t.score,
      template: truncate(t.template, MAX_TEXT),
      count: t.count,
      expected: t.expected,
      sample: t.sample === undefined ? null : truncate(t.sample, MAX_TEXT),
      ...(t.explanation ? { explanation: t.explanation } : {}),
    },
  };
}

export function jsonPayload(p: JsonPayloadInput): string {
  return JSON.stringify({
    type: WEBHOOK_EVENT,
    version: WEBHOOK_PAYLOAD_VERSION,
    id: p.id,
    webhook: p.webhook,
    run: { id: p.runId, reportUri: p.reportUri ?? null, source: p.analysis.source ?? null },
    summary: {
      incidents: p.total,
      included: p.incidents.length,
      findings: p.incidents.reduce((n, i) => n + i.findings, 0),
      reportedFindings: p.analysis.reported,
      bySeverity: p.analysis.bySeverity,
    },
    incidents: p.incidents.map(incident),
  });
}
