// The traffic model: requests arrive at the gateway (Poisson, diurnal rate) and fan out into
// auth, payments and worker lines that share a request id; background jobs (health checks,
// heartbeats, pool stats) tick on their own clocks. Incidents bend the model inside their window.
export const SERVICES = ['api-gateway', 'auth', 'payments', 'worker'];
const GW = 'api-gateway';
const AUTH = 'auth';
const PAY = 'payments';
const WK = 'worker';

const FLOWS = [
  ['browse', 0.5],
  ['login', 0.15],
  ['checkout', 0.2],
  ['status', 0.15],
];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'SEK'];
const DECLINES = ['insufficient_funds', 'card_expired', 'do_not_honor', 'suspected_fraud'];
const METHODS = ['password', 'sso', 'totp'];
const UPSTREAMS = ['catalog', 'payments', 'auth'];

/** Lines per request on average and background lines per second: to turn --rate into requests/s. */
export const LINES_PER_REQUEST = 4.9;
export const BACKGROUND_PER_SECOND = 2 / 10 + 3 / 15 + 1 / 30 + 3 / 60;

export function createTraffic(rng, emit, incidentAt) {
  const ip = () => `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const user = () => `u${rng.int(1000, 99999)}`;
  const order = () => `ord-${rng.int(100000, 999999)}`;
  let jobSeq = rng.int(10000, 90000);

  function upstreamFailure(t, rid, d) {
    const surge = incidentAt('error_rate_surge', t);
    if (!rng.chance(surge ? 0.2 : 0.002)) return false;
    const up = rng.pick(UPSTREAMS);
    emit(t + d, GW, 'ERROR', `upstream ${up} returned 502 for req=${rid} after ${d}ms`, surge);
    emit(t + d + 1, GW, 'WARN', `retrying request req=${rid} to ${up} (attempt 2/2)`, surge);
    return true;
  }

  function tokenCheck(t, rid, scope) {
    emit(t, AUTH, 'INFO', `req=${rid} token validated for user ${user()} scope=${scope} in ${rng.latency(3)}ms`);
  }

  const flows = {
    browse(t, rid) {
      const pid = rng.int(1, 5000);
      emit(t, GW, 'INFO', `req=${rid} GET /api/v1/products/${pid} from ${ip()}`);
      tokenCheck(t + 1, rid, 'read');
      const flush = incidentAt('frequency_spike', t);
      if (rng.chance(flush ? 0.9 : 0.05)) emit(t + 2, GW, 'INFO', `cache miss for key product:${pid}, fetching from origin`, flush);
      const d = rng.latency(40);
      if (upstreamFailure(t, rid, d)) return;
      emit(t + d, GW, 'INFO', `req=${rid} 200 GET /api/v1/products/${pid} ${d}ms bytes=${rng.int(800, 24000)}`);
    },
    login(t, rid) {
      const u = user();
      const from = ip();
      emit(t, GW, 'INFO', `req=${rid} POST /api/v1/login from ${from}`);
      const d = rng.latency(60);
      if (rng.chance(0.04)) {
        emit(t + d - 1, AUTH, 'WARN', `req=${rid} invalid password for user ${u} from ${from} (attempt ${rng.int(1, 3)})`);
        emit(t + d, GW, 'INFO', `req=${rid} 401 POST /api/v1/login ${d}ms`);
        return;
      }
      emit(t + d - 2, AUTH, 'INFO', `req=${rid} login succeeded for user ${u} method=${rng.pick(METHODS)} in ${d - 2}ms`);
      emit(t + d - 1, AUTH, 'INFO', `req=${rid} issued session token for user ${u} ttl=3600s`);
      emit(t + d, GW, 'INFO', `req=${rid} 200 POST /api/v1/login ${d}ms`);
    },
    checkout(t, rid) {
      const oid = order();
      emit(t, GW, 'INFO', `req=${rid} POST /api/v1/orders from ${ip()} items=${rng.int(1, 6)}`);
      tokenCheck(t + 1, rid, 'write');
      const pool = incidentAt('new_template', t);
      if (pool && rng.chance(0.35)) {
        emit(t + 5003, PAY, 'ERROR', `req=${rid} db connection pool exhausted: timed out after 5000ms waiting for a connection (pool=payments-primary size=20)`, pool);
        emit(t + 5005, GW, 'ERROR', `req=${rid} 503 POST /api/v1/orders upstream=payments error=pool_exhausted ${5005}ms`, pool);
        return;
      }
      const double = incidentAt('session_anomaly', t);
      const charges = double && rng.chance(0.08) ? 2 : 1;
      const amount = (rng.int(199, 49999) / 100).toFixed(2);
      const cur = rng.pick(CURRENCIES);
      let at = t + 3;
      for (let c = 0; c < charges; c++) {
        const extra = c > 0 ? double : undefined;
        emit(at, PAY, 'INFO', `req=${rid} charge started order=${oid} amount=${amount} currency=${cur}`, extra);
        at += rng.latency(8);
        emit(at, PAY, 'INFO', `req=${rid} db query INSERT payments took ${rng.latency(6)}ms rows=1`, extra);
        if (rng.chance(0.001)) {
          emit(at + 1, PAY, 'ERROR', `req=${rid} deadlock detected on table payments, retrying query (attempt 1/3)`);
          at += 20;
        }
        if (c === 0 && rng.chance(0.02)) {
          emit(at + 150, PAY, 'WARN', `req=${rid} charge declined order=${oid} reason=${rng.pick(DECLINES)}`);
          emit(at + 160, GW, 'INFO', `req=${rid} 402 POST /api/v1/orders ${at + 160 - t}ms`);
          return;
        }
        at += rng.latency(180);
        emit(at, PAY, 'INFO', `req=${rid} charge completed order=${oid} txn=${rng.hex(12)} in ${at - t}ms`, extra);
        const job = ++jobSeq;
        emit(at + 1, PAY, 'INFO', `req=${rid} enqueued job send-receipt id=${job} order=${oid}`, extra);
        if (!incidentAt('silence', at)) {
          const k = rng.int(1, 3);
          const picked = at + Math.round(rng.exp(1500));
          if (!incidentAt('silence', picked)) {
            emit(picked, WK, 'INFO', `worker-${k} picked job send-receipt id=${job} queue=receipts`);
            emit(picked + rng.latency(120), WK, 'INFO', `worker-${k} job send-receipt id=${job} completed in ${rng.latency(120)}ms`);
          }
        }
      }
      const d = at + 2 - t;
      if (d > 1000 && rng.chance(0.5)) emit(at + 1, GW, 'WARN', `slow upstream response from payments: ${d}ms (threshold 1000ms) req=${rid}`);
      emit(at + 2, GW, 'INFO', `req=${rid} 201 POST /api/v1/orders ${d}ms`);
    },
    status(t, rid) {
      const oid = order();
      emit(t, GW, 'INFO', `req=${rid} GET /api/v1/orders/${oid} from ${ip()}`);
      tokenCheck(t + 1, rid, 'read');
      const d = rng.latency(25);
      emit(t + d - 2, PAY, 'INFO', `req=${rid} db query SELECT orders took ${rng.latency(4)}ms rows=${rng.int(1, 40)}`);
      if (upstreamFailure(t, rid, d)) return;
      emit(t + d, GW, 'INFO', `req=${rid} 200 GET /api/v1/orders/${oid} ${d}ms bytes=${rng.int(300, 9000)}`);
    },
  };

  function request(t) {
    const rid = rng.hex(16);
    const drop = incidentAt('frequency_drop', t);
    let r = rng.next();
    for (const [name, w] of FLOWS) {
      r -= w;
      if (r < 0) {
        // A broken checkout button: nine in ten would-be orders never reach us.
        if (name === 'checkout' && drop && rng.chance(0.9)) return;
        flows[name](t, rid);
        return;
      }
    }
  }

  // Background clocks: [period ms, action].
  const lbs = ['10.0.1.10', '10.0.2.10'];
  const background = [
    ...lbs.map((lb, i) => [10_000, i * 3_000, (t) => emit(t, GW, 'INFO', `health check GET /healthz 200 from ${lb} in ${rng.latency(2)}ms`)]),
    ...[1, 2, 3].map((k) => [15_000, k * 4_000, (t) => {
      if (!incidentAt('silence', t)) emit(t, WK, 'INFO', `worker-${k} heartbeat queue=receipts depth=${rng.int(0, 12)} inflight=${rng.int(0, 4)}`);
    }]),
    [30_000, 7_000, (t) => emit(t, PAY, 'INFO', `connection pool stats pool=payments-primary active=${rng.int(1, 14)} idle=${rng.int(2, 19)} waiting=0`)],
    ...[1, 2, 3].map((k) => [60_000, 20_000 + k * 9_000, (t) => {
      if (!incidentAt('silence', t)) emit(t, WK, 'INFO', `worker-${k} cleanup removed ${rng.int(0, 300)} expired sessions in ${rng.latency(30)}ms`);
    }]),
  ];
  return { request, background };
}

/** Requests per second at time t: a day-shaped curve peaking at 14:00 UTC, trough at 02:00. */
export function diurnal(t) {
  const hours = (t / 3_600_000) % 24;
  return 1 + 0.5 * Math.sin((2 * Math.PI * (hours - 8)) / 24);
}
