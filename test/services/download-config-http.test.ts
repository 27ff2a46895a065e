/**
 * download_config_yaml against the SkyU config service, played by a real node:http server on
 * loopback: ETag cache, 304, 4xx (not retried), 5xx (retried), fallback to the last good copy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadConfig } from '../../src/services/download-config.js';
import { createStandaloneContext } from '../../src/services/context.js';
import type { DownloadConfigInput } from '../../src/contracts.js';
import type { DetectionConfigSource } from '../../src/config/settings-types.js';
import { ConfigError, HttpError, NetworkError, PipelineError } from '../../src/errors.js';
import { startHttpServer, unusedUrl, type TestHttpServer } from '../helpers/http-server.js';

const CONFIG_V1 = 'version: "2026.11.1"\nthresholds:\n  spikeFactor: 4\nnotify:\n  recipients: [oncall@example.com]\n';
const CONFIG_V2 = 'version: "2026.11.2"\nthresholds:\n  spikeFactor: 5\n';
const TOKEN = 's3cr3t-token-value';
const TOKEN_ENV = 'LAP_TEST_SKYU_TOKEN';

let srv: TestHttpServer;
let root: string;

beforeEach(async () => {
  srv = await startHttpServer();
  root = await mkdtemp(join(tmpdir(), 'lap-config-'));
  process.env[TOKEN_ENV] = TOKEN;
});

afterEach(async () => {
  await srv.close();
  await rm(root, { recursive: true, force: true });
  delete process.env[TOKEN_ENV];
});

function input(source: Partial<DetectionConfigSource> = {}, runId = 'run-1', extra: Partial<DownloadConfigInput> = {}): DownloadConfigInput {
  return {
    runDir: join(root, 'runs', runId),
    baseDir: root,
    // The composition root hands a service the variables its settings name; here, the test's environment.
    secrets: process.env,
    source: { location: `${srv.url}/configs/prod.yaml`, tokenEnv: TOKEN_ENV, timeoutMs: 5000, ...source },
    ...extra,
  };
}

const ok = (body: string, etag?: string, revision?: string) => ({
  status: 200,
  headers: { 'content-type': 'application/yaml', ...(etag ? { etag } : {}), ...(revision ? { 'x-config-revision': revision } : {}) },
  body,
});

async function failureOf(p: Promise<unknown>): Promise<PipelineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PipelineError);
  return err as PipelineError;
}

describe('download_config_yaml over HTTP (SkyU config service)', () => {
  it('200: sends the bearer token, validates, logs version, ETag and revision, copies the YAML into the run', async () => {
    srv.script(ok(CONFIG_V1, '"etag-1"', 'abc1234'));
    const ctx = createStandaloneContext();
    const out = await downloadConfig(input(), ctx);

    expect(srv.requests).toHaveLength(1);
    expect(srv.requests[0].url).toBe('/configs/prod.yaml');
    expect(srv.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(srv.requests[0].headers['if-none-match']).toBeUndefined();
    expect(out).toMatchObject({ version: '2026.11.1', etag: '"etag-1"', revision: 'abc1234', fromCache: false, origin: `${srv.url}/configs/prod.yaml` });
    expect(out.stale).toBeUndefined();
    expect(out.config.thresholds.spikeFactor).toBe(4);
    expect(out.config.notify.recipients).toEqual(['oncall@example.com']);
    expect(out.file).toBe(join(root, 'runs', 'run-1', 'detection-config.yaml'));
    expect(await readFile(out.file, 'utf8')).toBe(CONFIG_V1);
    const line = ctx.logs.find((l) => l.msg.includes('version 2026.11.1'));
    expect(line?.fields).toMatchObject({ etag: '"etag-1"', revision: 'abc1234', version: '2026.11.1' });
    expect(ctx.artifacts).toEqual([expect.objectContaining({ name: 'detection-config.yaml', uri: out.file })]);
    // The token never reaches a log record.
    expect(JSON.stringify(ctx.logs)).not.toContain(TOKEN);
  });

  it('304: the next run sends If-None-Match and is served from the cache', async () => {
    srv.script(ok(CONFIG_V1, '"etag-1"', 'abc1234'), { status: 304, headers: { etag: '"etag-1"' } });
    await downloadConfig(input({}, 'run-1'), createStandaloneContext());
    const ctx = createStandaloneContext();
    const out = await downloadConfig(input({}, 'run-2'), ctx);

    expect(srv.requests[1].headers['if-none-match']).toBe('"etag-1"');
    expect(out).toMatchObject({ version: '2026.11.1', etag: '"etag-1"', revision: 'abc1234', fromCache: true });
    expect(out.stale).toBeUndefined();
    expect(await readFile(join(root, 'runs', 'run-2', 'detection-config.yaml'), 'utf8')).toBe(CONFIG_V1);
    expect(ctx.logs.some((l) => l.level === 'info' && /unchanged.*304/.test(l.msg))).toBe(true);
    // One cache entry, under <output dir>/.cache/config by default.
    expect(await readdir(join(root, 'runs', '.cache', 'config'))).toHaveLength(1);
  });

  it('a changed config (new ETag) replaces the cached copy', async () => {
    srv.script(ok(CONFIG_V1, '"etag-1"'), ok(CONFIG_V2, '"etag-2"'), { status: 304 });
    await downloadConfig(input({}, 'run-1'), createStandaloneContext());
    const second = await downloadConfig(input({}, 'run-2'), createStandaloneContext());
    const third = await downloadConfig(input({}, 'run-3'), createStandaloneContext());
    expect(second).toMatchObject({ version: '2026.11.2', etag: '"etag-2"', fromCache: false });
    expect(srv.requests[2].headers['if-none-match']).toBe('"etag-2"');
    expect(third).toMatchObject({ version: '2026.11.2', fromCache: true });
  });

  it('401: not retryable, names the status and the token setting, never the token', async () => {
    srv.script({ status: 401, body: 'bad token' });
    const ctx = createStandaloneContext();
    const err = await failureOf(downloadConfig(input(), ctx));
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/answered 401 .*tokenEnv/);
    expect(err.message).not.toContain(TOKEN);
    expect(JSON.stringify(ctx.logs)).not.toContain(TOKEN);
  });

  it('404 is not retryable and does not fall back to a cached copy', async () => {
    srv.script(ok(CONFIG_V1, '"etag-1"'), { status: 404, body: 'no such config' });
    await downloadConfig(input({}, 'run-1'), createStandaloneContext());
    const err = await failureOf(downloadConfig(input({}, 'run-2'), createStandaloneContext()));
    expect(err).toMatchObject({ status: 404, retryable: false });
    expect(err.message).toMatch(/answered 404/);
    expect(err.message).not.toContain('no such config');
  });

  it('500 without a cache: a retryable error, and the retried attempt gets the 200', async () => {
    srv.script({ status: 500, body: 'boom' }, ok(CONFIG_V1, '"etag-1"'));
    const err = await failureOf(downloadConfig(input({}, 'run-1', { attempts: 3 }), createStandaloneContext({ attempt: 1 })));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 500, retryable: true });
    const out = await downloadConfig(input({}, 'run-1', { attempts: 3 }), createStandaloneContext({ attempt: 2 }));
    expect(out).toMatchObject({ version: '2026.11.1', fromCache: false });
    expect(srv.requests).toHaveLength(2);
  });

  it('500 with a cache: retried while attempts remain, then the last good copy with a warning', async () => {
    srv.script(ok(CONFIG_V1, '"etag-1"', 'abc1234'));
    await downloadConfig(input({}, 'run-1'), createStandaloneContext());
    srv.setFallback({ status: 503, body: 'maintenance' });

    const early = await failureOf(downloadConfig(input({}, 'run-2', { attempts: 2 }), createStandaloneContext({ attempt: 1 })));
    expect(early).toMatchObject({ status: 503, retryable: true });

    const ctx = createStandaloneContext({ attempt: 2 });
    const out = await downloadConfig(input({}, 'run-2', { attempts: 2 }), ctx);
    expect(out).toMatchObject({ version: '2026.11.1', etag: '"etag-1"', revision: 'abc1234', fromCache: true, stale: true });
    const warning = ctx.logs.find((l) => l.level === 'warn');
    expect(warning?.msg).toMatch(/unreachable.*last good cached copy/);
    expect(String(warning?.fields?.error)).toMatch(/503/);
    expect(await readFile(join(root, 'runs', 'run-2', 'detection-config.yaml'), 'utf8')).toBe(CONFIG_V1);
  });

  it('unreachable with a cache: falls back with a warning; with onUnreachable: fail it fails', async () => {
    srv.script(ok(CONFIG_V1, '"etag-1"'));
    await downloadConfig(input({}, 'run-1'), createStandaloneContext());
    await srv.close(); // the same URL now refuses connections
    const ctx = createStandaloneContext();
    const out = await downloadConfig(input({}, 'run-2'), ctx);
    expect(out).toMatchObject({ version: '2026.11.1', etag: '"etag-1"', fromCache: true, stale: true });
    expect(ctx.logs.some((l) => l.level === 'warn' && /unreachable/.test(l.msg))).toBe(true);

    const err = await failureOf(downloadConfig(input({ onUnreachable: 'fail' }, 'run-3'), createStandaloneContext()));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/cannot reach the config service .*ECONNREFUSED/);
    srv = await startHttpServer(); // for afterEach
  });

  it('unreachable without a cache: a retryable network error naming the service', async () => {
    const down = await unusedUrl();
    const err = await failureOf(downloadConfig(input({ location: `${down}/cfg.yaml` }), createStandaloneContext()));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(err.message).toContain(`${down}/cfg.yaml`);
  });

  it('a service that does not answer in time: a retryable timeout', async () => {
    srv.script({ hang: true });
    const err = await failureOf(downloadConfig(input({ timeoutMs: 200 }), createStandaloneContext()));
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(err.message).toMatch(/did not answer within 200 ms/);
  });

  it('abort stops a hanging request at once', async () => {
    const ac = new AbortController();
    // Abort once the request is in flight (the server has it and will never answer).
    srv.script(() => {
      ac.abort();
      return { hang: true };
    });
    const p = downloadConfig(input({ timeoutMs: 20_000 }), createStandaloneContext({ signal: ac.signal }));
    const err = await failureOf(p);
    expect(srv.requests).toHaveLength(1);
    expect(err).toMatchObject({ code: 'ABORTED', retryable: false });
  });

  it('invalid YAML: names the URL, line and column; not retried and not cached', async () => {
    srv.script(ok('version: "1"\nthresholds: [\n', '"bad"'));
    const err = await failureOf(downloadConfig(input(), createStandaloneContext()));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(new RegExp(`^${srv.url}/configs/prod\\.yaml:\\d+:\\d+: invalid YAML`));
    await expect(readdir(join(root, 'runs', '.cache', 'config'))).rejects.toThrow();
  });

  it('schema errors: URL, line, column, field path and the problem', async () => {
    srv.script(ok('version: "1"\nthresholds:\n  spikeFactor: high\n'));
    const err = await failureOf(downloadConfig(input(), createStandaloneContext()));
    expect(err.message).toBe(`${srv.url}/configs/prod.yaml:3:16 thresholds.spikeFactor: expected a number > 1, got "high"`);
    expect((err as ConfigError).location).toEqual({ file: `${srv.url}/configs/prod.yaml`, line: 3, column: 16, field: 'thresholds.spikeFactor' });
  });

  it('a cache that cannot be written is a warning, not a failure', async () => {
    srv.script(ok(CONFIG_V1, '"etag-1"'));
    const blocker = join(root, 'not-a-dir');
    await writeFile(blocker, 'a file where the cache directory should be');
    const ctx = createStandaloneContext();
    const out = await downloadConfig(input({ cacheDir: join(blocker, 'cache') }), ctx);
    expect(out).toMatchObject({ version: '2026.11.1', fromCache: false });
    expect(ctx.logs.some((l) => l.level === 'warn' && /cannot write the config cache/.test(l.msg))).toBe(true);
  });

  it('a redirect is not followed with the token', async () => {
    srv.script({ status: 302, headers: { location: 'http://elsewhere.example/cfg.yaml' } });
    const err = await failureOf(downloadConfig(input(), createStandaloneContext()));
    expect(err).toMatchObject({ status: 302, retryable: false });
    expect(err.message).toMatch(/redirected .* to http:\/\/elsewhere\.example\/cfg\.yaml/);
    expect(srv.requests).toHaveLength(1);
  });

  it('a token env var that is not set is a settings error before any request', async () => {
    delete process.env[TOKEN_ENV];
    const err = await failureOf(downloadConfig(input(), createStandaloneContext()));
    expect(err).toMatchObject({ code: 'SETTINGS_INVALID', retryable: false });
    expect(err.message).toMatch(new RegExp(`detectionConfig.tokenEnv: environment variable ${TOKEN_ENV} is not set`));
    expect(srv.requests).toHaveLength(0);
  });

  it('URL credentials and query strings stay out of the origin and logs', async () => {
    srv.script(ok(CONFIG_V1));
    const ctx = createStandaloneContext();
    const out = await downloadConfig(input({ location: `${srv.url}/configs/prod.yaml?sig=topsecret` }), ctx);
    expect(srv.requests[0].url).toBe('/configs/prod.yaml?sig=topsecret');
    expect(out.origin).toBe(`${srv.url}/configs/prod.yaml`);
    expect(JSON.stringify(ctx.logs)).not.toContain('topsecret');
  });
});
