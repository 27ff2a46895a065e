/** Persisted miner state: the templates with their ids and counts, versioned. */
import type { MinerState } from './types.js';
import type { Cluster } from './cluster.js';
import { PipelineError, ErrorCode } from '../../errors.js';

export const STATE_KIND = 'log-anomaly/miner';
export const STATE_VERSION = 1;

interface SavedCluster {
  readonly id: string;
  readonly tokens: readonly string[];
  readonly sig: readonly string[];
  readonly count: number;
}

const split = (s: string) => (s.length === 0 ? [] : s.split(' '));

export function writeState(clusters: readonly Cluster[]): MinerState {
  return {
    kind: STATE_KIND,
    version: STATE_VERSION,
    data: { templates: clusters.map((c) => ({ id: c.id, template: c.tokens.join(' '), signature: c.sig.join(' '), count: c.count })) },
  };
}

export function readState(state: MinerState | undefined): SavedCluster[] {
  if (state === undefined) return [];
  if (state.kind !== STATE_KIND || state.version !== STATE_VERSION) {
    throw new PipelineError(ErrorCode.INPUT_INVALID, `miner state: expected ${STATE_KIND} v${STATE_VERSION}, got ${state.kind} v${String(state.version)}`);
  }
  const data = state.data as { templates?: unknown };
  if (!Array.isArray(data?.templates)) throw new PipelineError(ErrorCode.INPUT_INVALID, 'miner state: data.templates must be an array');
  return data.templates.map((t: unknown, i: number) => {
    const o = t as { id?: unknown; template?: unknown; signature?: unknown; count?: unknown };
    if (typeof o?.id !== 'string' || typeof o.template !== 'string' || typeof o.signature !== 'string') {
      throw new PipelineError(ErrorCode.INPUT_INVALID, `miner state: data.templates[${i}] needs string id, template and signature`);
    }
    return { id: o.id, tokens: split(o.template), sig: split(o.signature), count: typeof o.count === 'number' && o.count >= 0 ? o.count : 0 };
  });
}
