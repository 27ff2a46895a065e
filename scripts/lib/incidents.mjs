// The incidents the generator can inject, each a window in which the traffic model behaves
// differently, with what it affects (regexes over line text) so benchmarks can score findings.
export const INCIDENT_KINDS = ['new_template', 'frequency_spike', 'frequency_drop', 'silence', 'error_rate_surge', 'session_anomaly'];

export const INCIDENTS = {
  new_template: {
    service: 'payments',
    description: 'payments DB connection pool exhausted: a never-seen error, and 503s at the gateway',
    affects: ['pool exhausted', 'pool_exhausted'],
  },
  frequency_spike: {
    service: 'api-gateway',
    description: 'product cache flushed: cache misses jump about 18x',
    affects: ['cache miss for key'],
  },
  frequency_drop: {
    service: 'api-gateway',
    description: 'checkout broken in the web client: order requests fall to a tenth',
    affects: ['POST /api/v1/orders', 'charge (started|completed)', 'enqueued job', 'send-receipt', 'INSERT payments', 'token validated'],
  },
  silence: {
    service: 'worker',
    description: 'worker pool stalled: heartbeats and job processing stop',
    affects: ['worker-\\d'],
  },
  error_rate_surge: {
    service: 'api-gateway',
    description: 'upstream instability: a fifth of requests fail with 502 and are retried',
    affects: ['upstream', 'retrying request'],
  },
  session_anomaly: {
    service: 'payments',
    description: 'double-charge bug: some checkouts charge the card twice',
    affects: ['charge (started|completed)', 'INSERT payments', 'enqueued job'],
  },
};

export function parseIncidentList(values) {
  const kinds = [];
  for (const v of values) {
    for (const k of String(v).split(',').map((s) => s.trim()).filter(Boolean)) {
      if (k === 'all') kinds.push(...INCIDENT_KINDS);
      else if (INCIDENT_KINDS.includes(k)) kinds.push(k);
      else throw new Error(`--incident: unknown kind "${k}" (expected ${INCIDENT_KINDS.join(', ')} or all)`);
    }
  }
  return [...new Set(kinds)];
}

/**
 * Spread incidents over the window (after the first 15%, so a detector has a run-in), aligned to
 * whole minutes; each lasts `minutes` (default: 15, or the slot if that is longer). They may
 * overlap: they touch different services and templates.
 */
export function scheduleIncidents(kinds, start, spanMs, minutes) {
  const slot = (spanMs * 0.75) / Math.max(1, kinds.length);
  const len = (minutes ?? Math.max(15, Math.round(slot / 60_000))) * 60_000;
  return kinds.map((kind, i) => {
    const s = Math.ceil((start + spanMs * 0.15 + i * slot) / 60_000) * 60_000;
    return { kind, ...INCIDENTS[kind], start: s, end: Math.min(s + len, start + spanMs), injectedLines: 0 };
  });
}
