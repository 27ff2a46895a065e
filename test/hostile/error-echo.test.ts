/**
 * No error echoes file contents (issue 13, point 6): the config service's error body, and JSON
 * files that do not parse (V8 quotes the text around a syntax error), never reach stdout, stderr
 * or run.json; the error says what came back (status, content type, size) or where it broke.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeReport } from '../../src/services/analyze-report.js';
import { createStandaloneContext } from '../../src/services/context.js';
import { jsonProblem } from '../../src/util/json-problem.js';
import { runCli } from '../helpers/cli.js';
import { demoSourceYaml } from '../helpers/demo-settings.js';

const SECRET = 'AKIAZZSECRETEXAMPLE/hunter2';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lap-echo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the config service error', () => {
  let server: Server;
  let url: string;
  const body = JSON.stringify({ error: 'forbidden', debug: { token: SECRET } });
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/detection.yaml`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('names the status, content type and size, never the body: not on stdout, stderr or in run.json', async () => {
    const settings = join(dir, 'http.yaml');
    await writeFile(settings, demoSourceYaml().replace(/detectionConfig: \{ location: [^}]+\}/, `detectionConfig: { location: "${url}" }`));
    const r = await runCli(['run', '--config', settings, '--headless', '--skip-install', '--out-dir', join(dir, 'runs'), '--run-id', 'echo-1']);
    expect(r.code, r.stderr).toBe(1);
    const runJson = await readFile(join(dir, 'runs', 'echo-1', 'run.json'), 'utf8');
    expect(r.stdout + r.stderr).toContain(`answered 403 for ${url} (check the token named by detectionConfig.tokenEnv) (application/json, ${Buffer.byteLength(body)} bytes)`);
    expect(runJson).toContain('answered 403');
    for (const text of [r.stdout, r.stderr, runJson]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('forbidden');
    }
  }, 60_000);
});

describe('JSON that does not parse', () => {
  it('jsonProblem keeps the position and drops the quoted text', () => {
    const cases = [`password=${SECRET}`, `{"a": ${SECRET}}`, `{"token": "${SECRET}"`, `[1, 2,\n ${SECRET}]`];
    for (const text of cases) {
      let err: unknown;
      try {
        JSON.parse(text);
      } catch (e) {
        err = e;
      }
      expect((err as Error).message).toMatch(/JSON/); // V8 did fail on it...
      expect(jsonProblem(err)).toMatch(/^invalid JSON/);
      expect(jsonProblem(err)).not.toMatch(/AKIA|hunter2|password|token/);
    }
    expect(jsonProblem(new Error('field "sent" is missing'))).toBe('field "sent" is missing');
  });

  it('analyze_report on an anomalies file holding a secret: the error names the file, not its text', async () => {
    const anomaliesFile = join(dir, 'anomalies.json');
    await writeFile(anomaliesFile, `password=${SECRET}\n`);
    const err = await analyzeReport(
      {
        runDir: dir, runId: 'r', dryRun: false, anomaliesFile, config: {} as never,
        configMeta: { version: '1', origin: 'x' }, ingest: { lines: 0, streams: [], from: null, to: null, source: 's' },
      },
      createStandaloneContext(),
    ).then(() => new Error('expected a failure'), (e: unknown) => e as Error);
    expect(err.message).toBe(`${anomaliesFile}: invalid JSON`);
  });

  it('`runs` lists a run folder whose run.json is not JSON as unreadable, without its text', async () => {
    const runs = join(dir, 'list');
    await mkdir(join(runs, 'bad-1'), { recursive: true });
    await writeFile(join(runs, 'bad-1', 'run.json'), `${SECRET}\n`);
    const settings = join(dir, 'list.yaml');
    await writeFile(settings, `${demoSourceYaml()}output: { dir: ${JSON.stringify(runs)} }\n`);
    const r = await runCli(['runs', '--config', settings, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('unreadable');
    // V8 would have quoted the first characters: "AKIAZZSECR"...
    expect(r.stdout + r.stderr).not.toContain(SECRET.slice(0, 6));
  }, 60_000);
});
