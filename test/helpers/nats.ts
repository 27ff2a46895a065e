/**
 * NATS for tests: the shared server (NATS_URL or 127.0.0.1:4222) with a unique prefix per test
 * so nothing collides with another file or an earlier run, and cleanup of everything under it;
 * plus a private nats-server on a free port with its own store, for tests that restart it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NatsSettings } from '../../src/config/settings-types.js';
import { natsNames } from '../../src/bus/nats/names.js';

export const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';

export function uniquePrefix(tag = 't'): string {
  return `lapt_${tag}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function testNatsSettings(prefix: string, servers: string[] = [NATS_URL]): NatsSettings {
  return { servers, prefix, stream: { maxAgeSeconds: 3600, maxBytes: 64 * 1024 * 1024, maxMsgs: 1_000_000 } };
}

export async function connectTest(url = NATS_URL): Promise<NatsConnection> {
  return connect({ servers: url, name: 'log-anomaly tests' });
}

/**
 * Resolves once a consumer reading `filter` on the prefix's event stream exists: a follower has
 * joined (what a test must know before it publishes), instead of a guessed sleep.
 */
export async function waitForFollower(prefix: string, filter: string, url = NATS_URL, timeoutMs = 20_000): Promise<void> {
  const nc = await connectTest(url);
  try {
    const jsm = await jetstreamManager(nc);
    const stream = natsNames(prefix).eventStream;
    const end = Date.now() + timeoutMs;
    for (;;) {
      const consumers = await jsm.consumers.list(stream).next().catch(() => []);
      if (consumers.some((c) => c.config.filter_subject === filter || c.config.filter_subjects?.includes(filter))) return;
      if (Date.now() > end) throw new Error(`no follower of ${filter} on ${stream} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await nc.close();
  }
}

/** Deletes every stream (events, requests, KV buckets) this prefix created. */
export async function cleanupPrefix(prefix: string, url = NATS_URL): Promise<void> {
  const nc = await connectTest(url);
  try {
    const jsm = await jetstreamManager(nc);
    const n = natsNames(prefix);
    for (const s of [n.eventStream, n.requestStream, `KV_${n.runsBucket}`, `KV_${n.notifiedBucket}`, `KV_${prefix}_leases`]) {
      await jsm.streams.delete(s).catch(() => false);
    }
  } finally {
    await nc.close();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN || '/usr/sbin/nats-server';

export interface PrivateNats {
  readonly url: string;
  readonly port: number;
  /** Stops (SIGTERM, waits) and starts again on the same port and store. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** SIGTERM by default; SIGKILL for a crash that flushes nothing. Waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 1000 });
      await nc.close();
      return;
    } catch (err) {
      if (Date.now() > until) throw new Error(`nats-server on ${port} did not come up: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A nats-server of our own (JetStream, file store in a temp dir) on a free loopback port. */
export async function startPrivateNats(opts: { args?: string[]; ready?: (port: number) => Promise<void> } = {}): Promise<PrivateNats> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lap-nats-'));
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(NATS_SERVER_BIN, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir, ...(opts.args ?? [])], { stdio: 'ignore' });
    await (opts.ready ? opts.ready(port) : waitForPort(port));
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.kill(signal);
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async restart(o = {}) {
      await stop();
      if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
      await start();
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
