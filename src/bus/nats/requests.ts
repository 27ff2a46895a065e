/**
 * Run requests on the JetStream work queue (`<prefix>.requests.<run>`): what `submit` puts and
 * `worker` takes. The message id is the run id, so a submit retried within the dedup window
 * queues the run once.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { requestSubject, type NatsNames } from './names.js';
import { ensureRequestStream, type StreamLimits } from './setup.js';

export interface RunRequest {
  readonly v: 1;
  readonly runId: string;
  readonly skipInstall: boolean;
  readonly dryRun: boolean;
  /** Absolute path of the settings file, as the worker's machine sees it; absent: the worker's own. */
  readonly config?: string;
  /** A scheduled run's window and schedule name (`serve --nats`). */
  readonly window?: { readonly from: string; readonly to: string };
  readonly schedule?: string;
  readonly submittedAt: string;
  readonly submittedBy: string;
}

/** UTC `YYYYMMDD-HHMMSS-xxxx`: submits in the same second must not share an id. */
export function generateRequestRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(2).toString('hex')}`;
}

function isWindow(w: unknown): w is { from: string; to: string } {
  const o = w as { from?: unknown; to?: unknown } | undefined;
  return typeof o?.from === 'string' && typeof o.to === 'string' && !Number.isNaN(Date.parse(o.from)) && !Number.isNaN(Date.parse(o.to));
}

export function parseRunRequest(data: Uint8Array): RunRequest {
  const r = JSON.parse(new TextDecoder().decode(data)) as Partial<RunRequest>;
  if (r.v !== 1 || typeof r.runId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(r.runId)) {
    throw new Error('not a run request (v:1 with a valid runId)');
  }
  if (r.config !== undefined && typeof r.config !== 'string') throw new Error('run request: config must be a path');
  return {
    v: 1,
    runId: r.runId,
    skipInstall: r.skipInstall === true,
    dryRun: r.dryRun === true,
    config: r.config,
    ...(isWindow(r.window) ? { window: { from: r.window.from, to: r.window.to } } : {}),
    ...(typeof r.schedule === 'string' ? { schedule: r.schedule } : {}),
    submittedAt: typeof r.submittedAt === 'string' ? r.submittedAt : new Date().toISOString(),
    submittedBy: typeof r.submittedBy === 'string' ? r.submittedBy : 'unknown',
  };
}

export interface SubmitResult {
  readonly request: RunRequest;
  /** The same run id was already queued within the dedup window. */
  readonly duplicate: boolean;
  readonly streamSeq: number;
}

export async function submitRunRequest(
  nc: NatsConnection,
  names: NatsNames,
  req: Omit<RunRequest, 'v' | 'submittedAt' | 'submittedBy'>,
  limits?: StreamLimits,
): Promise<SubmitResult> {
  await ensureRequestStream(await jetstreamManager(nc), names, limits);
  const request: RunRequest = { v: 1, ...req, submittedAt: new Date().toISOString(), submittedBy: hostname() };
  const ack = await jetstream(nc).publish(requestSubject(names, request.runId), JSON.stringify(request), { msgID: request.runId });
  return { request, duplicate: ack.duplicate, streamSeq: ack.seq };
}
