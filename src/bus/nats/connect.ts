/**
 * Connecting to NATS the way real deployments need: several servers, token or user/password
 * (values from env vars NAMED in the settings, never from the file), a creds file, TLS.
 * Nothing here ever prints a credential: URLs are shown through redactServers().
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsSettings } from '../../config/settings-types.js';
import { ConfigError, ErrorCode, NetworkError, PipelineError, errnoCode, messageOf } from '../../errors.js';
import { redactUrl } from '../../util/redact-url.js';

/** Where to connect: the --nats flag, then NATS_URL, then the settings file. Comma-separated lists allowed. */
export function resolveNatsServers(flag: string | undefined, env: NodeJS.ProcessEnv, settings?: Pick<NatsSettings, 'servers'>): string[] | undefined {
  const raw = flag ?? env.NATS_URL;
  if (raw !== undefined && raw.trim() !== '') {
    const servers = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const withLogin = servers.find((s) => redactUrl(s) !== s && /@/.test(s));
    if (withLogin !== undefined) {
      throw new PipelineError(
        ErrorCode.SETTINGS_INVALID,
        `${flag !== undefined ? '--nats' : 'NATS_URL'}: ${redactUrl(withLogin)}: a NATS URL must not carry user info; name env vars with nats.userEnv/passEnv or nats.tokenEnv in the settings`,
      );
    }
    return servers;
  }
  if (settings?.servers && settings.servers.length > 0) return [...settings.servers];
  return undefined;
}

/** `nats://user:secret@host:4222` -> `nats://***@host:4222` (the one redaction: util/redact-url). */
export function redactServer(url: string): string {
  return redactUrl(url);
}

export function redactServers(servers: readonly string[]): string {
  return servers.map(redactServer).join(',');
}

function fromEnv(env: NodeJS.ProcessEnv, name: string | undefined, what: string): string | undefined {
  if (!name) return undefined;
  const v = env[name];
  if (v === undefined || v === '') {
    throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: 'settings', field: `nats.${what}` }, `names the environment variable ${name}, which is not set`);
  }
  return v;
}

export interface ConnectNatsOptions {
  readonly servers: readonly string[];
  readonly settings?: NatsSettings;
  readonly env: NodeJS.ProcessEnv;
  /** Shown in the server's monitoring pages. */
  readonly name: string;
  /** Handshake timeout per attempt. */
  readonly timeoutMs?: number;
}

/** The client options, without connecting (tested on its own). */
export function natsConnectionOptions(opts: ConnectNatsOptions): NodeConnectionOptions {
  const s = opts.settings;
  const env = opts.env;
  // Without a settings file, the conventional variables still work for watch/runs/submit.
  const token = s ? fromEnv(env, s.tokenEnv, 'tokenEnv') : env.NATS_TOKEN || undefined;
  const user = s ? fromEnv(env, s.userEnv, 'userEnv') : env.NATS_USER || undefined;
  const pass = s ? fromEnv(env, s.passEnv, 'passEnv') : env.NATS_PASSWORD || undefined;
  const credsFile = s?.credsFile ?? (env.NATS_CREDS || undefined);
  const o: NodeConnectionOptions = {
    servers: [...opts.servers],
    name: opts.name,
    timeout: opts.timeoutMs ?? 5000,
    // A run must never stop because NATS went away: keep trying, quickly, for as long as we live.
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
  };
  if (token) o.token = token;
  if (user !== undefined) {
    o.user = user;
    o.pass = pass ?? '';
  }
  if (credsFile) {
    let creds: Uint8Array;
    try {
      creds = readFileSync(credsFile);
    } catch (err) {
      throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: credsFile, field: 'nats.credsFile' }, `cannot read the creds file: ${errnoCode(err) ?? messageOf(err)}`);
    }
    o.authenticator = credsAuthenticator(creds);
  }
  const tls = s?.tls;
  if (tls && (tls.caFile || tls.certFile || tls.keyFile)) {
    o.tls = { caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile };
  } else if (opts.servers.some((u) => u.startsWith('tls://'))) {
    o.tls = {};
  }
  return o;
}

/** Connects or throws a NetworkError whose message names the servers without credentials. */
export async function connectNats(opts: ConnectNatsOptions): Promise<NatsConnection> {
  const options = natsConnectionOptions(opts);
  try {
    return await connect(options);
  } catch (err) {
    const why = messageOf(err);
    throw new NetworkError(`cannot connect to NATS at ${redactServers(opts.servers)}: ${scrub(why, options)}`, { cause: err });
  }
}

/** Client error texts can echo a server URL; make sure no secret we hold appears in one. */
function scrub(text: string, o: NodeConnectionOptions): string {
  let t = text;
  for (const secret of [o.token, o.pass].filter((v): v is string => typeof v === 'string' && v.length > 0)) t = t.split(secret).join('***');
  return t.replace(/[a-z]+:\/\/[^@\s/]*@/gi, (m) => redactServer(m));
}
