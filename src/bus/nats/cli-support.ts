/**
 * What watch/runs/submit/worker share: settings (only for their `nats` block), the servers
 * (flag > NATS_URL > settings > 127.0.0.1:4222), the connection, and run-id checks.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { loadSettings } from '../../config/settings.js';
import type { NatsSettings, PipelineSettings } from '../../config/settings-types.js';
import { UsageError } from '../../errors.js';
import { connectNats, redactServers, resolveNatsServers } from './connect.js';
import { natsNames, type NatsNames } from './names.js';
import { DEFAULT_LIMITS, type StreamLimits } from './setup.js';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const RUN_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function checkRunId(id: string): string {
  if (!RUN_ID.test(id)) throw new UsageError(`invalid run id "${id}": use 1-64 of A-Z a-z 0-9 . _ -`);
  return id;
}

export interface NatsCliContext {
  readonly nc: NatsConnection;
  readonly names: NatsNames;
  readonly limits: StreamLimits;
  readonly servers: string[];
  /** Servers for messages, credentials removed. */
  readonly where: string;
  readonly settings?: PipelineSettings;
  readonly natsSettings?: NatsSettings;
}

export async function loadOptionalSettings(config: string | undefined, io: { cwd: string; env: NodeJS.ProcessEnv }): Promise<PipelineSettings | undefined> {
  return config ? loadSettings(config, { cwd: io.cwd, env: io.env }) : undefined;
}

export async function openNatsForCli(
  opts: { nats?: string; settings?: PipelineSettings; name: string },
  io: { env: NodeJS.ProcessEnv },
): Promise<NatsCliContext> {
  const natsSettings = opts.settings?.nats;
  const servers = resolveNatsServers(opts.nats, io.env, natsSettings) ?? [DEFAULT_NATS_URL];
  const nc = await connectNats({ servers, settings: natsSettings, env: io.env, name: opts.name });
  return {
    nc,
    names: natsNames(natsSettings?.prefix),
    limits: natsSettings?.stream ?? DEFAULT_LIMITS,
    servers,
    where: redactServers(servers),
    settings: opts.settings,
    natsSettings,
  };
}
