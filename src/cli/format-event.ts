/**
 * One readable line per bus event, for headless runs and `watch`. Everything that came from a log
 * line or a remote peer goes through sanitizeForTerminal.
 */
import type { BusEvent } from '../bus/events.js';
import { sanitizeForTerminal as clean } from '../util/sanitize.js';

function ms(d: number | undefined): string {
  if (d === undefined) return '';
  return d < 1000 ? ` (${d}ms)` : ` (${(d / 1000).toFixed(1)}s)`;
}

function fields(f: Record<string, unknown> | undefined): string {
  if (!f) return '';
  const parts = Object.entries(f).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? ' ' + parts.join(' ') : '';
}

export function formatEventLine(e: BusEvent): string | undefined {
  const time = e.at.slice(11, 19);
  switch (e.type) {
    case 'run': {
      if (e.status === 'started') {
        const flags = [e.params.skipInstall ? 'skip_install' : '', e.params.dryRun ? 'dry_run' : ''].filter(Boolean).join(',');
        return clean(`${time} run ${e.runId} started${flags ? ` [${flags}]` : ''}${e.params.source ? ` source=${e.params.source}` : ''}`);
      }
      const s = e.summary;
      const extra = s
        ? ` anomalies=${s.anomalies.total} reported=${s.anomalies.reported}${s.anomalies.incidents ? ` incidents=${s.anomalies.incidents.length}` : ''} notification=${s.notification.status}${s.notification.webhooks?.length ? ` webhooks=${s.notification.webhooks.map((w) => `${w.name}:${w.status}`).join(',')}` : ''}${s.reportUri ? ` report=${s.reportUri}` : ''}`
        : '';
      const why =
        e.status === 'failed' ? ` at ${e.failedStep ?? '?'}: ${e.error?.message ?? ''}` : (e.status === 'cancelled' || e.status === 'crashed') && e.error ? ` (${e.error.message})` : '';
      // One line per incident under the run's last line: what a person reads first in CI logs.
      const incidents = (s?.anomalies.incidents ?? []).map(
        (inc, i) =>
          clean(`  incident ${i + 1} [${inc.severity}] ${inc.title} (${inc.findings} finding${inc.findings === 1 ? '' : 's'}; trigger ${inc.trigger.kind}: ${inc.trigger.template})`),
      );
      return [clean(`${time} run ${e.runId} ${e.status}${why}${extra} exit=${e.exitCode ?? ''}`), ...incidents].join('\n');
    }
    case 'step': {
      let detail = '';
      if (e.status === 'retrying') detail = ` ${e.attempt}/${e.maxAttempts} in ${e.retryInMs}ms: ${e.error?.message ?? ''}`;
      else if (e.status === 'skipped') detail = ` (${e.reason ?? ''})`;
      else if (e.status === 'failed') detail = `: ${e.error?.code ?? ''} ${e.error?.message ?? ''}`;
      else if (e.status === 'running' && e.attempt && e.attempt > 1) detail = ` attempt ${e.attempt}/${e.maxAttempts}`;
      const facts = e.status === 'done' ? fields(e.facts ?? undefined) : '';
      return clean(`${time} ${e.status.padEnd(9)} ${e.step || e.name}${detail}${ms(e.durationMs)}${facts}`);
    }
    case 'log':
      return clean(`${time} ${e.level.padEnd(5)} ${e.step ? `[${e.step.split('/').pop()}] ` : ''}${e.msg}${fields(e.fields)}`);
    case 'progress':
      return undefined; // too chatty for lines; the TUI and NDJSON show progress
    case 'artifact':
      return clean(`${time} artifact  ${e.name} ${e.uri}${e.bytes !== undefined ? ` (${e.bytes} bytes)` : ''}`);
  }
}
