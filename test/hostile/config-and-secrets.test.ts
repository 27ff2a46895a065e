/**
 * Hostile configuration: credential URLs, alias floods, oversized documents (from a file and over
 * HTTP), symlinked output folders. Each is refused with a clear error that prints no secret.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/config/settings.js';
import { parseDetectionConfig } from '../../src/config/detection-config.js';
import { resolveNatsServers } from '../../src/bus/nats/connect.js';
import { fetchConfig } from '../../src/services/config-source/http.js';
import { checkConfigHost, isForbiddenAddress } from '../../src/services/config-source/host-policy.js';
import { ConfigError, PipelineError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';

const SECRET = 'hunter2-s3cret';

function settingsError(text: string): Error {
  try {
    parseSettings(text, '/etc/lap/settings.yaml', 'settings.yaml');
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the settings to be refused');
}

describe('credential URLs are refused at validation', () => {
  const base = 'source: { type: file, paths: [x.log] }\n';
  const cases: Record<string, string> = {
    'detectionConfig.location': `${base}detectionConfig: { location: "https://cfg:${SECRET}@skyu.example/c.yaml" }\n`,
    'upload.baseUrl': `${base}detectionConfig: { location: c.yaml }\nupload: { type: http, baseUrl: "https://u:${SECRET}@files.example/up" }\n`,
    'source.endpoint': `source: { type: cloudwatch, region: eu-west-1, logGroups: [g], since: 1h, endpoint: "http://k:${SECRET}@127.0.0.1:9" }\ndetectionConfig: { location: c.yaml }\n`,
    'nats.servers': `${base}detectionConfig: { location: c.yaml }\nnats: { servers: ["nats://n:${SECRET}@127.0.0.1:4222"] }\n`,
  };
  for (const [field, text] of Object.entries(cases)) {
    it(`${field}: exit-2 error, env var hint, the secret never printed`, () => {
      const err = settingsError(text);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toContain(field.replace('source.endpoint', 'source.endpoint'));
      expect(err.message).toMatch(/must not carry user info.*environment variable/);
      expect(err.message).not.toContain(SECRET);
    });
  }

  it('--nats / NATS_URL with user info are refused too, redacted', () => {
    let caught: unknown;
    try {
      resolveNatsServers(undefined, { NATS_URL: `nats://127.0.0.1:4222,nats://me:${SECRET}@127.0.0.1:4223` });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PipelineError);
    expect((caught as PipelineError).code).toBe('SETTINGS_INVALID');
    expect((caught as Error).message).toContain('nats://***@127.0.0.1:4223');
    expect((caught as Error).message).not.toContain(SECRET);
  });

  it('the CLI exits 2 and prints no secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lap-cred-'));
    try {
      await writeFile(join(dir, 's.yaml'), `${demoSourceYaml()}upload: { type: http, baseUrl: "https://u:${SECRET}@127.0.0.1:9/up" }\n`);
      const r = await runCli(['run', '--config', join(dir, 's.yaml'), '--headless']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/upload\.baseUrl/);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(await readdir(dir)).toEqual(['s.yaml']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('YAML limits', () => {
  it('an alias flood (200k aliases in under 1 MiB) is refused before it is parsed', () => {
    const text = `version: "1"\nx: &a v\nl:\n${'- *a\n'.repeat(200_000)}`;
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    expect(() => parseDetectionConfig(text, 'flood.yaml')).toThrow(/^flood\.yaml:1:1: too many alias references \(more than 1000\)$/);
  });

  it('a document over 1 MiB is refused by size, settings as well as detection configs', () => {
    const big = `version: "1"\n# ${'x'.repeat(1024 * 1024)}\n`;
    expect(() => parseDetectionConfig(big, 'big.yaml')).toThrow(/big\.yaml:1:1: the document is \d+ bytes; at most 1048576/);
    expect(settingsError(`source: { type: file, paths: [x.log] }\n# ${'x'.repeat(1024 * 1024)}\n`).message).toMatch(/at most 1048576/);
  });

  describe('a 4 MiB config over HTTP', () => {
    let server: Server;
    let url: string;
    let sent = 0;
    let closed: Promise<void>;
    beforeAll(async () => {
      server = createServer((req, res) => {
        // no content-length: the client has to count; keep writing until it hangs up
        res.writeHead(200, { 'content-type': 'application/yaml' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        closed = new Promise((done) => res.on('close', () => done()));
        const pump = () => {
          while (sent < 4 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/config.yaml`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('is refused once 1 MiB has arrived, and the download stops there', async () => {
      await expect(fetchConfig(url, { timeoutMs: 30_000, signal: new AbortController().signal })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/larger than 1048576 bytes/),
      });
      await closed;
      // socket buffers hold some in flight; the point is it did not read all 4 MiB
      expect(sent).toBeLessThan(4 * 1024 * 1024);
    });
  });
});

describe('symlinked output folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lap-link-'));
    await mkdir(join(dir, 'elsewhere'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a runs folder that is a symlink is refused (exit 2), naming it, and nothing is written through it', async () => {
    await symlink(join(dir, 'elsewhere'), join(dir, 'runs'));
    await writeFile(join(dir, 's.yaml'), demoSourceYaml());
    const r = await runCli(['run', '--config', join(dir, 's.yaml'), '--headless', '--out-dir', join(dir, 'runs'), '--run-id', 'r1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`runs folder ${join(dir, 'runs')} is a symbolic link`);
    expect(await readdir(join(dir, 'elsewhere'))).toEqual([]);
  });

  it('a run folder that is a symlink is refused too', async () => {
    await mkdir(join(dir, 'out'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'out', 'r2'));
    const r = await runCli(['run', '--config', join(dir, 's.yaml'), '--headless', '--out-dir', join(dir, 'out'), '--run-id', 'r2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run folder ${join(dir, 'out', 'r2')} is a symbolic link`);
    expect(await readdir(join(dir, 'elsewhere'))).toEqual([]);
  });
});

describe('config URL host policy', () => {
  const signal = new AbortController().signal;
  for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/c.yaml', 'http://[fd00:ec2::254]/c.yaml', 'http://metadata.google.internal/c.yaml']) {
    it(`refuses ${url} before sending anything`, async () => {
      await expect(fetchConfig(url, { timeoutMs: 5_000, signal })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        retryable: false,
        message: expect.stringMatching(/link-local|metadata.*allowHosts/),
      });
    });
  }

  it('an allow-listed host passes the check; loopback and ordinary hosts always do', async () => {
    await expect(checkConfigHost('http://169.254.169.254/c.yaml', ['169.254.169.254'])).resolves.toBeUndefined();
    await expect(checkConfigHost('http://127.0.0.1:9/c.yaml')).resolves.toBeUndefined();
    await expect(checkConfigHost('http://localhost:9/c.yaml')).resolves.toBeUndefined();
    expect(isForbiddenAddress('169.254.0.1')).toBe(true);
    expect(isForbiddenAddress('::ffff:169.254.169.254')).toBe(true);
    expect(isForbiddenAddress('febf::1')).toBe(true);
    expect(isForbiddenAddress('fec0::1')).toBe(false);
    expect(isForbiddenAddress('10.0.0.1')).toBe(false);
  });
});
