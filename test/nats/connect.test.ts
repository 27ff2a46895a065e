import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Kvm } from '@nats-io/kv';
import { createBus } from '../../src/bus/bus.js';
import { connectNats, natsConnectionOptions, redactServer, resolveNatsServers } from '../../src/bus/nats/connect.js';
import { attachNatsPublisher } from '../../src/bus/nats/publish.js';
import { natsNames } from '../../src/bus/nats/names.js';
import { openNotifiedKv } from '../../src/bus/nats/setup.js';
import { ConfigError, NetworkError, PipelineError } from '../../src/errors.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { guardNotifications, guardWebhooks } from '../../src/worker/notify-guard.js';
import type { EmailOutput, WebhookInput, WebhookOutput } from '../../src/contracts.js';
import { cleanupPrefix, connectTest, freePort, startPrivateNats, testNatsSettings, uniquePrefix, type PrivateNats } from '../helpers/nats.js';

const SECRET = 's3cret-Pa55';
let authed: PrivateNats;

/** Up when it greets a TCP client (connecting with NATS would need the credentials). */
const greets = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const until = Date.now() + 10_000;
    const attempt = () => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => (Date.now() > until ? reject(new Error('no server')) : setTimeout(attempt, 100)));
    };
    attempt();
  });

beforeAll(async () => {
  authed = await startPrivateNats({ args: ['--user', 'lap', '--pass', SECRET], ready: greets });
});
afterAll(async () => {
  await authed?.dispose();
});

describe('servers and options', () => {
  it('takes the flag, then NATS_URL, then the settings; commas separate several servers', () => {
    expect(resolveNatsServers('nats://a:4222, nats://b:4222', { NATS_URL: 'nats://env:1' }, { servers: ['nats://s:1'] })).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(resolveNatsServers(undefined, { NATS_URL: 'nats://env:1' }, { servers: ['nats://s:1'] })).toEqual(['nats://env:1']);
    expect(resolveNatsServers(undefined, {}, { servers: ['nats://s:1'] })).toEqual(['nats://s:1']);
    expect(resolveNatsServers(undefined, {}, { servers: [] })).toBeUndefined();
  });

  it('reads secrets from the env vars the settings name, and fails clearly when one is unset', () => {
    const settings = { ...testNatsSettings('x'), userEnv: 'LAP_NATS_USER', passEnv: 'LAP_NATS_PASS', tls: { caFile: '/etc/ca.pem' } };
    const o = natsConnectionOptions({ servers: ['tls://h:4222'], settings, env: { LAP_NATS_USER: 'u', LAP_NATS_PASS: 'p' }, name: 't' });
    expect(o).toMatchObject({ user: 'u', pass: 'p', tls: { caFile: '/etc/ca.pem' }, maxReconnectAttempts: -1 });
    expect(() => natsConnectionOptions({ servers: ['h:4222'], settings, env: { LAP_NATS_USER: 'u' }, name: 't' })).toThrow(ConfigError);
    expect(() => natsConnectionOptions({ servers: ['h:4222'], settings: { ...testNatsSettings('x'), credsFile: '/nonexistent.creds' }, env: {}, name: 't' })).toThrow(/nats\.credsFile/);
  });

  it('redacts credentials in server URLs', () => {
    expect(redactServer('nats://lap:secret@10.0.0.1:4222')).toBe('nats://***@10.0.0.1:4222');
    expect(redactServer('tok@host:4222')).toBe('***@host:4222');
    expect(redactServer('nats://host:4222')).toBe('nats://host:4222');
  });
});

describe('authentication against a real server', () => {
  it('connects with user/password from env vars', async () => {
    const settings = { ...testNatsSettings('x', [authed.url]), userEnv: 'U', passEnv: 'P' };
    const nc = await connectNats({ servers: [authed.url], settings, env: { U: 'lap', P: SECRET }, name: 't' });
    expect(nc.info?.jetstream).toBe(true);
    await nc.close();
  });

  it('a refused login is a NetworkError that never shows the password', async () => {
    const url = `nats://lap:${SECRET}-wrong@127.0.0.1:${authed.port}`;
    const err = await connectNats({ servers: [url], env: {}, name: 't' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).not.toContain(SECRET);
    expect((err as Error).message).toContain('***@127.0.0.1');
  });
});

describe('NATS never stops a run', () => {
  it('unreachable and not required: a warning and null (in-process only); required: a NETWORK PipelineError', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const warnings: string[] = [];
    const bus = createBus({ runId: 'offline' });
    const h = await attachNatsPublisher(bus, { servers: [url], require: false, log: (_l, m) => warnings.push(m), env: {} });
    expect(h).toBeNull();
    expect(warnings[0]).toMatch(/NATS unavailable at nats:\/\/127\.0\.0\.1:\d+ .*running in-process only/);
    const err = await attachNatsPublisher(bus, { servers: [url], require: true, log: () => {}, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('NETWORK');
  });
});

it('the KV notification guard stops a second send of the same run from any machine', async () => {
  const prefix = uniquePrefix('ntf');
  const nc = await connectTest();
  try {
    const kv = await openNotifiedKv(nc, natsNames(prefix));
    let sends = 0;
    const real = async (): Promise<EmailOutput> => {
      sends += 1;
      return { status: 'sent', recipients: 2, messageIds: ['<a@x>', '<b@x>'] };
    };
    const input = { runId: 'n-1' } as Parameters<ReturnType<typeof guardNotifications>>[0];
    const first = await guardNotifications(real, kv, 'host-a')(input, createStandaloneContext());
    // A worker on another machine (its own run directory, no ledger) with the same bucket:
    const ctx = createStandaloneContext();
    const second = await guardNotifications(real, await new Kvm(nc).open(natsNames(prefix).notifiedBucket), 'host-b')(input, ctx);
    expect(first.status).toBe('sent');
    expect(second).toEqual({ status: 'already_sent', recipients: 2, messageIds: ['<a@x>', '<b@x>'] });
    expect(sends).toBe(1);
    expect(ctx.logs.some((l) => l.msg.includes('already sent') && l.fields?.by === 'host-a')).toBe(true);
  } finally {
    await nc.close();
    await cleanupPrefix(prefix);
  }
});

it('the KV guard stops a second post of a delivered webhook from another machine; the undelivered one still goes', async () => {
  const prefix = uniquePrefix('ntfw');
  const nc = await connectTest();
  try {
    const kv = await openNotifiedKv(nc, natsNames(prefix));
    const posted: string[] = [];
    const real = async (i: WebhookInput): Promise<WebhookOutput> => ({
      deliveries: i.targets.map((t) => {
        posted.push(t.name);
        return { name: t.name, format: t.format, url: 'https://h/…', status: t.name === 'b' && posted.length === 2 ? ('failed' as const) : ('sent' as const), deliveryId: `id-${t.name}` };
      }),
    });
    const target = (name: string) => ({ name, format: 'json' as const, urlEnv: 'U', timeoutMs: 1000, url: `https://h/${name}`, incidents: [], total: 0 });
    const input = { runId: 'w-1', runDir: '/nowhere', targets: [target('a'), target('b')] } as unknown as WebhookInput;
    const first = await guardWebhooks(real, kv, 'host-a')(input, createStandaloneContext());
    expect(first.deliveries.map((d) => d.status)).toEqual(['sent', 'failed']);
    // Another machine, same bucket: only b (not delivered) is posted again.
    const second = await guardWebhooks(real, await new Kvm(nc).open(natsNames(prefix).notifiedBucket), 'host-b')(input, createStandaloneContext());
    expect(posted).toEqual(['a', 'b', 'b']);
    expect(second.deliveries).toMatchObject([{ name: 'a', status: 'already_sent', deliveryId: 'id-a', url: 'https://h/…' }, { name: 'b', status: 'sent' }]);
  } finally {
    await nc.close();
    await cleanupPrefix(prefix);
  }
});
