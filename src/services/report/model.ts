/**
 * `report.json`: the machine-readable report, and the one model the Markdown and HTML renderers
 * draw from, so the three files never disagree.
 */
import type { AnomaliesDoc } from '../../detector/anomalies-schema.js';
import type { Incident } from '../../detector/anomalies-schema.js';
import type { AnalyzeInput } from '../../contracts.js';
import type { Severity } from '../../config/detection-types.js';
import { redactUrl } from '../../util/redact-url.js';
import type { NotifyDecision, ReportedFinding, RuleOutcome, SuppressReason } from './rules.js';

export const REPORT_SCHEMA = 'log-anomaly-pipeline/report' as const;
/** 2: `incidents` (the reported findings grouped, most severe first). */
export const REPORT_VERSION = 2 as const;

export interface ReportDoc {
  readonly schema: typeof REPORT_SCHEMA;
  readonly version: typeof REPORT_VERSION;
  readonly runId: string;
  readonly generatedAt: string;
  readonly dryRun: boolean;
  readonly config: AnalyzeInput['configMeta'];
  readonly input: AnalyzeInput['ingest'] & { readonly templates: number };
  readonly detector: AnomaliesDoc['detector'];
  readonly baseline: AnomaliesDoc['baseline'];
  readonly counts: {
    readonly total: number;
    readonly reported: number;
    readonly suppressed: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
    readonly byKind: Readonly<Record<string, number>>;
  };
  readonly suppressed: {
    readonly byReason: Readonly<Record<SuppressReason, number>>;
    readonly ignoredBy: Readonly<Record<string, number>>;
    /** Mute/accept entry id -> findings it covered. */
    readonly mutedBy: Readonly<Record<string, number>>;
  };
  readonly notify: NotifyDecision & {
    readonly minSeverity: Severity;
    /** How many, not who: the report may be uploaded where addresses should not be. */
    readonly recipients: number;
    readonly emailSent: false | 'pending';
  };
  /** Where report.html will be once uploaded (absent when unknown). */
  readonly reportUri: string | null;
  readonly histogram: AnomaliesDoc['histogram'];
  /** The reported findings grouped; each finding id is in exactly one incident. */
  readonly incidents: readonly Incident[];
  readonly findings: readonly ReportedFinding[];
}

export interface ReportParts {
  readonly input: AnalyzeInput;
  readonly doc: AnomaliesDoc;
  readonly outcome: RuleOutcome;
  readonly incidents: readonly Incident[];
  readonly bySeverity: Record<Severity, number>;
  readonly decision: NotifyDecision;
  readonly generatedAt: string;
}

export function buildReport({ input, doc, outcome, incidents, bySeverity, decision, generatedAt }: ReportParts): ReportDoc {
  const byKind: Record<string, number> = {};
  for (const f of outcome.reported) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  const suppressed = Object.values(outcome.suppressed).reduce((a, b) => a + b, 0);
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    runId: input.runId,
    generatedAt,
    dryRun: input.dryRun,
    config: input.configMeta,
    input: { ...input.ingest, templates: doc.input.templates },
    detector: doc.detector,
    baseline: doc.baseline,
    counts: { total: doc.anomalies.length, reported: outcome.reported.length, suppressed, bySeverity, byKind },
    suppressed: { byReason: outcome.suppressed, ignoredBy: outcome.ignoredBy, mutedBy: outcome.mutedBy },
    notify: {
      ...decision,
      minSeverity: input.config.notify.minSeverity,
      recipients: input.config.notify.recipients.length,
      // The email step runs after this file is written; the dry-run flag is all that is known now.
      emailSent: input.dryRun || !decision.shouldNotify ? false : 'pending',
    },
    // A presigned link is a credential: the report names the object, the email carries the link.
    reportUri: input.plannedReportUri ? redactUrl(input.plannedReportUri) : null,
    histogram: doc.histogram,
    incidents,
    findings: outcome.reported,
  };
}

/** Display helpers shared by the renderers. */
export function formatTime(ms: number | null): string {
  return ms === null ? 'n/a' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function formatWindow(r: ReportDoc): string {
  return `${formatTime(r.input.from)} to ${formatTime(r.input.to)}`;
}

export const DRY_RUN_NOTE = 'dry run: no email sent';
