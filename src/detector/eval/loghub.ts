/**
 * Loading Loghub-2k for scoring: each system's settings, raw lines, and ground truths (original
 * and corrected). Paths come from the caller (tests and benches point at ../shared/data).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv.js';

export interface LoghubSystem {
  readonly name: string;
  readonly logFile: string;
  readonly logFormat: string;
  readonly regex: readonly string[];
  readonly drain: { readonly st: number; readonly depth: number };
}

export function loadLoghubSettings(dataDir: string): LoghubSystem[] {
  const json = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as {
    datasets: Record<string, { log_file: string; log_format: string; drain: { regex: string[]; st: number; depth: number } }>;
  };
  return Object.entries(json.datasets).map(([name, d]) => ({
    name,
    logFile: join(dataDir, d.log_file),
    logFormat: d.log_format,
    regex: d.drain.regex,
    drain: { st: d.drain.st, depth: d.drain.depth },
  }));
}

export interface Truth {
  readonly eventIds: string[];
  readonly templates: string[];
}

/** A structured CSV's EventId and EventTemplate columns (last two), in line order. */
export function loadTruth(structuredCsv: string): Truth {
  const rows = parseCsv(readFileSync(structuredCsv, 'utf8'));
  const header = rows[0];
  const idCol = header.indexOf('EventId');
  const tplCol = header.indexOf('EventTemplate');
  const body = rows.slice(1).filter((r) => r.length > 1);
  return { eventIds: body.map((r) => r[idCol]), templates: body.map((r) => r[tplCol]) };
}

/** Where each ground truth of a system lives (undefined when that set lacks the system). */
export function truthFiles(sharedDataDir: string, system: string): { orig: string; khan2022?: string; lh2?: string } {
  const khan = join(sharedDataDir, 'loghub-2k-corrected', 'khan2022-logparser', system, `${system}_2k.log_structured_corrected.csv`);
  const lh2 = join(sharedDataDir, 'loghub-2k-corrected', 'loghub2.0-2k', system, `${system}_2k.log_structured_corrected.csv`);
  return {
    orig: join(sharedDataDir, 'loghub-2k', system, `${system}_2k.log_structured.csv`),
    khan2022: existsSync(khan) ? khan : undefined,
    lh2: existsSync(lh2) ? lh2 : undefined,
  };
}
