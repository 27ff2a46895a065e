/**
 * Prometheus metrics fed from bus events only (never from inside a service): whatever runs the
 * pipeline (serve, worker) subscribes `observe` to each run's events. A registry per instance, so
 * tests and several servers in one process do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusEvent } from '../bus/events.js';

export interface RunMetrics {
  readonly registry: Registry;
  observe(e: BusEvent): void;
}

export function createRunMetrics(opts: { defaultMetrics?: boolean } = {}): RunMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'log_anomaly_' });
  const runs = new Counter({ name: 'log_anomaly_runs_total', help: 'Runs that ended, by final status', labelNames: ['status'], registers: [registry] });
  const active = new Gauge({ name: 'log_anomaly_runs_active', help: 'Runs started and not yet ended', registers: [registry] });
  const stepSeconds = new Histogram({
    name: 'log_anomaly_step_duration_seconds',
    help: 'Duration of finished steps (done or failed), by step and status',
    labelNames: ['step', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const attempts = new Counter({ name: 'log_anomaly_step_attempts_total', help: 'Attempts started per step (a retry is one more)', labelNames: ['step'], registers: [registry] });
  const anomalies = new Counter({
    name: 'log_anomaly_anomalies_total',
    help: 'Reported anomalies in completed analyses, by kind and severity',
    labelNames: ['kind', 'severity'],
    registers: [registry],
  });
  const ingested = new Counter({ name: 'log_anomaly_events_ingested_total', help: 'Log events read by the ingest step', registers: [registry] });

  return {
    registry,
    observe(e) {
      if (e.type === 'run') {
        if (e.status === 'started') { active.inc(); return; }
        active.dec();
        runs.inc({ status: e.status });
        for (const [kind, bySev] of Object.entries(e.summary?.anomalies.byKind ?? {})) {
          for (const [severity, n] of Object.entries(bySev)) anomalies.inc({ kind, severity }, n);
        }
        return;
      }
      // Flows too (prepare_prerequisite, report_postProcess...): their time is the sum the operator sees.
      if (e.type !== 'step') return;
      if (e.status === 'running') attempts.inc({ step: e.name });
      if ((e.status === 'done' || e.status === 'failed') && e.durationMs !== undefined) stepSeconds.observe({ step: e.name, status: e.status }, e.durationMs / 1000);
      if (e.status === 'done' && e.name === 'execute_cloudwatchLog_injetion' && typeof e.facts?.lines === 'number') ingested.inc(e.facts.lines);
    },
  };
}
