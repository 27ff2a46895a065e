/**
 * `schedules:` in the pipeline settings: validated here (the cron rule and time zone are compiled
 * now), so a typo is bad input with file:line, not a serve that never fires.
 */
import { compileCron, parseWindow } from '../schedule/cron.js';
import { isMap, isSeq, type Node } from 'yaml';
import { def, fail, list, nodeOf, num, obj, oneOf, req, str, type At } from './yaml-schema.js';
import { messageOf } from '../errors.js';

const entry = obj({
  /** Names the runs: `<name>-YYYYMMDD-HHMMSS` (the tick's UTC time); it must stay a valid run id (at most 64 characters). */
  name: req(str({ pattern: /^[A-Za-z0-9_-]{1,48}$/, what: 'a schedule name of 1-48 letters, digits, _ and -' })),
  /** Five fields (minute precision) or six (seconds first). */
  cron: req(str({ what: 'a cron rule such as "*/15 * * * *" (five fields) or "*/2 * * * * *" (six, seconds first)' })),
  /** IANA zone the cron fields are read in; default UTC. */
  timezone: def(str({ what: 'an IANA time zone such as Europe/Berlin' }), 'UTC'),
  /** Each tick covers [tick - window, tick), e.g. 15m. */
  window: def(str({ what: 'a window such as 15m, 1h or 30s' }), '15m'),
  /** A tick while the previous run still goes: dropped (skip) or run after it (queue). */
  overlap: def(oneOf(['skip', 'queue']), 'skip'),
  /** After downtime, run at most this many of the missed ticks (the latest ones); 0 = none. */
  catchup: def(num({ int: true, min: 0, max: 1000 }), 0),
});

const one = (node: Node | null, at: At) => {
  const raw = entry(node, at);
  const field = (key: string): At => {
    const n = isMap(node) ? nodeOf(node.get(key, true)) : null;
    return { ...at, path: `${at.path}.${key}`, node: n ?? at.node };
  };
  try {
    compileCron(raw.cron, 'UTC');
  } catch (err) {
    fail(field('cron'), `not a valid cron rule: ${messageOf(err)}`);
  }
  try {
    compileCron(raw.cron, raw.timezone);
  } catch {
    fail(field('timezone'), `unknown time zone ${JSON.stringify(raw.timezone)}; use an IANA name such as Europe/Berlin or UTC`);
  }
  const windowMs = parseWindow(raw.window);
  if (windowMs === undefined) fail(field('window'), `expected a window such as 15m, 1h or 30s, got ${JSON.stringify(raw.window)}`);
  return { ...raw, windowMs };
};

export const schedulesSchema = () => (node: Node | null, at: At) => {
  const out = list(one)(node, at);
  const seen = new Set<string>();
  out.forEach((s, i) => {
    const item = isSeq(node) ? nodeOf(node.items[i]) : null;
    const nameNode = isMap(item) ? (nodeOf(item.get('name', true)) ?? item) : at.node;
    if (seen.has(s.name)) fail({ ...at, path: `${at.path}[${i}].name`, node: nameNode }, `duplicate schedule name ${JSON.stringify(s.name)}: names make run ids and must differ`);
    seen.add(s.name);
  });
  return out;
};
