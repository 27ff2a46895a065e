#!/usr/bin/env node
// Deterministic, realistic multi-service logs (api-gateway, auth, payments, worker) with optional
// injected incidents and their ground truth. Not derived from any public dataset.
//
//   node scripts/generate-logs.mjs --out DIR [--lines N] [--seed S] [--start ISO] [--duration 6h]
//        [--rate LINES_PER_S] [--incident kind[,kind]|all]... [--incident-minutes M]
//        [--format text|json] [--gzip]
//
// Writes DIR/<service>.log (or .jsonl, .gz) and DIR/ground-truth.json (format, session key,
// incident windows and what they affect). Same seed and flags -> byte-identical output.
import { parseArgs } from 'node:util';
import { generateLogs } from './lib/generate.mjs';
import { parseIncidentList, INCIDENT_KINDS } from './lib/incidents.mjs';

function duration(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text ?? '');
  if (!m) throw new Error(`--duration: expected e.g. 90s, 30m, 6h, 2d; got "${text}"`);
  return Number(m[1]) * { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2]];
}

function positive(name, text) {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number, got "${text}"`);
  return n;
}

try {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      lines: { type: 'string' },
      seed: { type: 'string', default: '1' },
      start: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string', default: '20' },
      incident: { type: 'string', multiple: true, default: [] },
      'incident-minutes': { type: 'string' },
      format: { type: 'string', default: 'text' },
      gzip: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out) {
    process.stdout.write(`usage: node scripts/generate-logs.mjs --out DIR [--lines N] [--seed S] [--start ISO] [--duration 6h] [--rate N] [--incident KIND|all]... [--incident-minutes M] [--format text|json] [--gzip]\nincident kinds: ${INCIDENT_KINDS.join(', ')}\n`);
    process.exit(values.help ? 0 : 2);
  }
  if (values.format !== 'text' && values.format !== 'json') throw new Error(`--format: expected text or json, got "${values.format}"`);
  const truth = await generateLogs({
    out: values.out,
    lines: values.lines !== undefined ? Math.floor(positive('--lines', values.lines)) : values.duration ? Infinity : 100_000,
    seed: Math.floor(Number(values.seed)),
    start: values.start,
    durationMs: values.duration !== undefined ? duration(values.duration) : undefined,
    rate: positive('--rate', values.rate),
    incidents: parseIncidentList(values.incident),
    incidentMinutes: values['incident-minutes'] !== undefined ? positive('--incident-minutes', values['incident-minutes']) : undefined,
    format: values.format,
    gzip: values.gzip,
  });
  process.stderr.write(`wrote ${truth.lines} lines (${truth.start} .. ${truth.end}) and ${truth.incidents.length} incident(s) to ${values.out}\n`);
} catch (err) {
  process.stderr.write(`generate-logs: ${err.message}\n`);
  process.exit(2);
}
