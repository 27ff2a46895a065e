import { describe, expect, it } from 'vitest';
import { groupIncidents, headline, type IncidentInput } from '../../src/detector/incidents.js';

const T0 = Date.parse('2026-12-04T09:00:00Z');
const min = (m: number, s = 0) => T0 + m * 60_000 + s * 1000;
let n = 0;
function finding(p: Partial<IncidentInput> & Pick<IncidentInput, 'kind' | 'template'>): IncidentInput {
  n++;
  return {
    id: `${p.kind}:t${n}`,
    templateId: `t${n}`,
    severity: 'medium',
    count: 10,
    firstSeen: null,
    lastSeen: null,
    samples: [],
    ...p,
  };
}
const sample = (line: string, at: number, stream = 's') => ({ line, lineNo: 1, stream, timestamp: at });

describe('groupIncidents', () => {
  // The demo's incident, as the detector reports it: an upstream pool is exhausted, the gateway
  // answers 503, the error rate surges and requests take a new shape. The pool message is the cause.
  const pool = finding({
    kind: 'new_template', severity: 'high', stream: 'payments', count: 19,
    template: 'req=<*> db connection pool exhausted: timed out after <*> waiting for a connection (pool=payments-primary size=<*>)',
    firstSeen: min(10, 22), lastSeen: min(23, 45),
    samples: [sample('req=5c478cecf24a9a11 db connection pool exhausted: timed out after 5000ms waiting for a connection (pool=payments-primary size=20)', min(10, 22), 'payments')],
  });
  const gateway503 = finding({
    kind: 'new_template', severity: 'high', stream: 'api-gateway', count: 19,
    template: 'req=<*> <*> POST <*> upstream=payments error=pool_exhausted <*>',
    firstSeen: min(10, 22) + 5, lastSeen: min(23, 45),
    samples: [sample('req=5c478cecf24a9a11 503 POST /api/v1/orders upstream=payments error=pool_exhausted 5005ms', min(10, 22) + 5, 'api-gateway')],
  });
  const surge = finding({
    kind: 'error_rate_surge', severity: 'critical', stream: 'api-gateway', count: 22, template: gateway503.template, templateId: gateway503.templateId,
    firstSeen: min(10), lastSeen: min(15),
    samples: [sample('req=5c478cecf24a9a11 503 POST /api/v1/orders upstream=payments error=pool_exhausted 5005ms', min(10, 22) + 5, 'api-gateway')],
  });
  const session = finding({
    kind: 'session_anomaly', severity: 'critical', count: 19, session: '5c478cecf24a9a11', template: gateway503.template,
    firstSeen: min(10, 17), lastSeen: min(11),
    samples: [sample('req=5c478cecf24a9a11 POST /api/v1/orders from 51.162.122.218 items=5', min(10, 17), 'api-gateway')],
  });
  const cacheSpike = finding({
    kind: 'frequency_spike', severity: 'critical', stream: 'api-gateway', count: 116, template: 'cache miss for key product:<*>, fetching from origin',
    firstSeen: min(21), lastSeen: min(39), samples: [sample('cache miss for key product:3159, fetching from origin', min(21, 3), 'api-gateway')],
  });
  const heartbeat = finding({ kind: 'silence', severity: 'critical', stream: 'worker', count: 0, template: 'worker-<*> heartbeat queue=receipts depth=<*> inflight=<*>', firstSeen: min(35), lastSeen: min(44) });
  const cleanup = finding({ kind: 'silence', severity: 'medium', stream: 'worker', count: 0, template: 'worker-<*> cleanup removed <*> expired sessions in <*>', firstSeen: min(35), lastSeen: min(44) });

  const all = [cacheSpike, heartbeat, session, surge, gateway503, pool, cleanup];

  it('groups one cause and its symptoms into one incident, with the cause as trigger', () => {
    const incidents = groupIncidents(all, 300);
    const poolIncident = incidents.find((i) => i.findings.includes(pool.id))!;
    expect(poolIncident.findings).toHaveLength(4);
    expect(new Set(poolIncident.findings)).toEqual(new Set([pool.id, gateway503.id, surge.id, session.id]));
    expect(poolIncident.trigger).toBe(pool.id);
    expect(poolIncident.findings[0]).toBe(pool.id);
    expect(poolIncident.title).toBe('payments: db connection pool exhausted');
    expect(poolIncident.severity).toBe('critical');
    expect(poolIncident.streams).toEqual(['api-gateway', 'payments']);
  });

  it('ranks by severity, then earliest onset: the pool incident before the later cache spike', () => {
    const incidents = groupIncidents(all, 300);
    expect(incidents.map((i) => i.trigger)).toEqual([pool.id, cacheSpike.id, heartbeat.id]);
    expect(incidents[2].findings).toEqual([heartbeat.id, cleanup.id]);
  });

  it('does not join findings of one stream that merely overlap in time', () => {
    const a = finding({ kind: 'frequency_spike', stream: 'app', template: 'user <*> logged in', firstSeen: min(0), lastSeen: min(30) });
    const b = finding({ kind: 'new_template', stream: 'app', template: 'disk <*> is full', firstSeen: min(20), lastSeen: min(25) });
    expect(groupIncidents([a, b], 300)).toHaveLength(2);
  });

  it('does not join findings that share a key but are far apart in time', () => {
    const a = finding({ kind: 'new_template', stream: 'a', template: 'x <*>', firstSeen: min(0), lastSeen: min(1), samples: [sample('x req=abcdef123456', min(0))] });
    const b = finding({ kind: 'new_template', stream: 'b', template: 'y <*>', firstSeen: min(50), lastSeen: min(51), samples: [sample('y req=abcdef123456', min(50))] });
    expect(groupIncidents([a, b], 300)).toHaveLength(2);
  });

  it('ties in severity and onset go to the larger volume, and ids are stable for the same trigger', () => {
    const small = finding({ kind: 'new_template', stream: 'a', template: 'alpha failed', count: 2, firstSeen: min(0), lastSeen: min(0) });
    const big = finding({ kind: 'new_template', stream: 'b', template: 'beta failed', count: 50, firstSeen: min(0), lastSeen: min(0) });
    const first = groupIncidents([small, big], 300);
    expect(first.map((i) => i.trigger)).toEqual([big.id, small.id]);
    const again = groupIncidents([{ ...big, id: 'other-run-id' }, small], 300);
    expect(again[0].id).toBe(first[0].id);
  });

  it('gives every finding exactly one incident', () => {
    const incidents = groupIncidents(all, 300);
    const ids = incidents.flatMap((i) => i.findings).sort();
    expect(ids).toEqual(all.map((f) => f.id).sort());
  });
});

describe('headline', () => {
  it('keeps the words a person reads and drops parameters', () => {
    expect(headline('cache miss for key product:<*>, fetching from origin')).toBe('cache miss for key');
    expect(headline('<*> <*> <*>')).toBe('<*> <*> <*>');
    expect(headline('Connection refused')).toBe('Connection refused');
  });
});

describe('continuations', () => {
  it('a later finding of an incident template does not pull in what else began in its bucket', () => {
    const surge1 = finding({ kind: 'error_rate_surge', severity: 'critical', stream: 'gw', template: '<*> POST upstream=payments error=pool_exhausted', firstSeen: min(10), lastSeen: min(19) });
    const surge2 = finding({ kind: 'error_rate_surge', severity: 'medium', stream: 'gw', template: surge1.template, templateId: surge1.templateId, firstSeen: min(20), lastSeen: min(25), samples: [sample('x', min(20, 40))] });
    const cache = finding({ kind: 'frequency_spike', severity: 'critical', stream: 'gw', template: 'cache miss for key <*>', firstSeen: min(21), lastSeen: min(39) });
    const incidents = groupIncidents([surge1, surge2, cache], 300);
    expect(incidents.map((i) => i.findings)).toEqual([[surge1.id, surge2.id], [cache.id]]);
  });
});
