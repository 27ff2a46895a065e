/**
 * `schedules:` in the pipeline settings: validated here (the cron rule and time zone are compiled
 * now), so a typo is bad input with file:line, not a serve that never fires.
 */
import { compileCron, parseWindow } from '../schedule/cron.js';
import type { ScheduleSettings } from './settings-types.js';
import { isMap, isSeq, type Node } from 'yaml';
import { def, fail, list, num, obj, oneOf, req, str, type At, type Schema } from './yaml-schema.js';

const entry = obj({
  // <name>-YYYYMMDD-HHMMSS must stay a valid run id (at most 64 characters).
  name: req(str({ pattern: /^[A-Za-z0-9_-]{1,48}$/, what: 'a schedule name of 1-48 letters, digits, _ and -' })),
  cron: req(str({ what: 'a cron rule such as "*/15 * * * *" (five fields) or "*/2 * * * * *" (six, seconds first)' })),
  timezone: def(str({ what: 'an IANA time zone such as Europe/Berlin' }), 'UTC'),
  window: def(str({ what: 'a window such as 15m, 1h or 30s' }), '15m'),
  overlap: def(oneOf(['skip', 'queue'] as const), 'skip'),
  catchup: def(num({ int: true, min: 0, max: 1000 }), 0),
});

const one: Schema<ScheduleSettings> = (node, at) => {
  const raw = entry(node, at);
  const field = (key: string): At => {
    const n = isMap(node) ? (node.get(key, true) as Node | undefined) : undefined;
    return { ...at, path: `${at.path}.${key}`, node: n ?? at.node };
  };
  try {
    compileCron(raw.cron, 'UTC');
  } catch (err) {
    fail(field('cron'), `not a valid cron rule: ${(err as Error).message}`);
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

export const schedulesSchema = (): Schema<ScheduleSettings[]> => (node, at) => {
  const out = list(one)(node, at);
  const seen = new Set<string>();
  out.forEach((s, i) => {
    const item = isSeq(node) ? (node.items[i] as Node) : null;
    const nameNode = isMap(item) ? ((item.get('name', true) as Node | undefined) ?? item) : at.node;
    if (seen.has(s.name)) fail({ ...at, path: `${at.path}[${i}].name`, node: nameNode }, `duplicate schedule name ${JSON.stringify(s.name)}: names make run ids and must differ`);
    seen.add(s.name);
  });
  return out;
};
