/**
 * The original Prefect flow's DAG, as data. Machines, events, the CLI and the TUI all name steps
 * by these ids so the original names stay visible everywhere (and the TUI draws the same tree).
 */
export const StepId = {
  pipeline: 'log-anomaly-pipeline',
  installPackages: 'install_packages',
  preparePrerequisite: 'prepare_prerequisite',
  ingestLogs: 'execute_cloudwatchLog_injetion',
  downloadConfig: 'download_config_yaml',
  executeLogAnomaly: 'execute_logAnomaly',
  reportPostProcess: 'report_postProcess',
  analyzeReport: 'analyze_report',
  sendNotificationEmails: 'send_notification_emails',
  uploadReport: 'upload_report',
} as const;
export type StepId = (typeof StepId)[keyof typeof StepId];

export const StepKind = { task: 'task', flow: 'flow' } as const;
export type StepKind = (typeof StepKind)[keyof typeof StepKind];

export interface DagNode {
  readonly id: StepId;
  /** Slash-joined ids from the root's children down, e.g. `report_postProcess/analyze_report`. */
  readonly path: string;
  readonly kind: StepKind;
  readonly children: readonly DagNode[];
}

function node(id: StepId, kind: StepKind, parent: string, children: (p: string) => DagNode[] = () => []): DagNode {
  const path = parent ? `${parent}/${id}` : id;
  return { id, path, kind, children: children(path) };
}

/** The tree exactly as the original diagram draws it. */
export const DAG: DagNode = {
  id: StepId.pipeline,
  path: '',
  kind: StepKind.flow,
  children: [
    node(StepId.installPackages, 'task', ''),
    node(StepId.preparePrerequisite, 'task', '', (p) => [
      node(StepId.ingestLogs, 'flow', p),
      node(StepId.downloadConfig, 'flow', p),
    ]),
    node(StepId.executeLogAnomaly, 'task', ''),
    node(StepId.reportPostProcess, 'task', '', (p) => [
      node(StepId.analyzeReport, 'flow', p, (q) => [node(StepId.sendNotificationEmails, 'flow', q)]),
      node(StepId.uploadReport, 'flow', p),
    ]),
  ],
};

/** Every step path in diagram (depth-first) order. */
export const STEP_PATHS: readonly string[] = (() => {
  const out: string[] = [];
  const walk = (n: DagNode) => {
    for (const c of n.children) {
      out.push(c.path);
      walk(c);
    }
  };
  walk(DAG);
  return out;
})();

export function findStep(path: string): DagNode | undefined {
  const walk = (n: DagNode): DagNode | undefined => {
    if (n.path === path) return n;
    for (const c of n.children) {
      const f = walk(c);
      if (f) return f;
    }
    return undefined;
  };
  return walk(DAG);
}

/** The tasks that carry a retry/timeout policy (leaf work, not the flows that group it). */
export const RETRYABLE_STEPS = [
  StepId.installPackages,
  StepId.ingestLogs,
  StepId.downloadConfig,
  StepId.executeLogAnomaly,
  StepId.analyzeReport,
  StepId.sendNotificationEmails,
  StepId.uploadReport,
] as const;
export type RetryableStep = (typeof RETRYABLE_STEPS)[number];
