/**
 * Which packages each command loads (issue 11: start-up within 100 ms of a bare `node`). The built
 * CLI runs with test/helpers/loaded-modules.mjs, which lists every ES module and CommonJS file the
 * process loaded. A regression guard, not a timing test: a static import that drags the AWS SDK,
 * nodemailer, Ink/React, NATS, prom-client or croner into `detect` or `parse` fails here, wherever
 * in the import graph it was added. Packages stay outside the CLI bundle (scripts/bundle-cli.mjs), so
 * they are seen by their node_modules paths; one more test holds that the bundle is what runs.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../helpers/cli.js';

const hook = join(repoRoot, 'test', 'helpers', 'loaded-modules.mjs');
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';

/** Packages only `run`, `serve`, `worker`, `watch`, `submit` and the TUI need. */
const HEAVY = ['@aws-sdk/', '@smithy/', 'nodemailer', 'ink', 'ink-spinner', 'react', 'react-reconciler', '@nats-io/', 'prom-client', 'croner'];
const heavy = (pkg: string) => HEAVY.some((h) => (h.endsWith('/') ? pkg.startsWith(h) : pkg === h));

let dir: string;
let tiny: string;

/** Every module `node ARGS` loaded: ES module URLs and CommonJS paths, one per line. */
async function modulesLoaded(args: readonly string[]): Promise<string[]> {
  const out = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(process.execPath, ['--import', hook, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOADED_MODULES_OUT: out, NATS_URL: '', CI: '1', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return [...new Set((await readFile(out, 'utf8')).split('\n').filter(Boolean))];
}

/** The package names (`yaml`, `@nats-io/nats-core`) of every module `node ARGS` loaded. */
async function packagesLoaded(args: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const line of await modulesLoaded(args)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line.slice(line.lastIndexOf('node_modules/')));
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'startup-modules-'));
  tiny = join(dir, 'tiny.log');
  await writeFile(tiny, '2026-11-26 08:00:00 INFO api: started\n');
});

describe('start-up: what each command loads', { timeout: 60_000 }, () => {
  const commands: [string, () => string[]][] = [
    ['--version', () => ['--version']],
    ['--help', () => ['--help']],
    ['detect --help', () => ['detect', '--help']],
    ['detect FILE --json', () => ['detect', tiny, '--format', FORMAT, '--json']],
    ['detect FILE (format detected)', () => ['detect', tiny]],
    ['parse FILE', () => ['parse', tiny, '--format', FORMAT]],
  ];
  for (const [name, args] of commands) {
    it(`${name} loads none of the AWS SDK, nodemailer, Ink/React, NATS, prom-client, croner`, async () => {
      const pkgs = await packagesLoaded([cliPath, ...args()]);
      expect(pkgs.filter(heavy)).toEqual([]);
    });
  }

  it('detect and parse on a plain file load only commander of our dependencies (no yaml without a config, no tinyglobby without a glob)', async () => {
    expect(await packagesLoaded([cliPath, 'detect', tiny, '--format', FORMAT, '--json'])).toEqual(['commander']);
    expect(await packagesLoaded([cliPath, 'parse', tiny, '--format', FORMAT])).toEqual(['commander']);
  });

  it('detect and parse load the bundled CLI (scripts/bundle-cli.mjs): a dozen files of ours, not the ~80 modules tsc emits', async () => {
    const ours = async (args: string[]) => (await modulesLoaded([cliPath, ...args])).filter((m) => m.includes('/dist/') && !m.includes('node_modules'));
    for (const args of [['detect', tiny, '--format', FORMAT, '--json'], ['parse', tiny, '--format', FORMAT]]) {
      const files = await ours(args);
      expect(files.length, files.join('\n')).toBeLessThanOrEqual(12);
      expect(files.every((f) => /\/dist\/cli\/(main|chunk-[\w-]+)\.js$/.test(f)), files.join('\n')).toBe(true);
    }
  });

  it('sees what a command does load: yaml for --config, tinyglobby for a directory', async () => {
    const config = join(dir, 'detection.yaml');
    await writeFile(config, 'version: 1\n');
    await mkdir(join(dir, 'logs'), { recursive: true });
    await writeFile(join(dir, 'logs', 'a.log'), '2026-11-26 08:00:00 INFO api: started\n');
    expect(await packagesLoaded([cliPath, 'detect', tiny, '--format', FORMAT, '--json', '--config', config])).toContain('yaml');
    expect(await packagesLoaded([cliPath, 'parse', join(dir, 'logs'), '--format', FORMAT])).toContain('tinyglobby');
  });

  it('sees CommonJS and ES module packages alike (the check can fail)', async () => {
    // nodemailer is CommonJS, @nats-io/transport-node an ES module
    const pkgs = await packagesLoaded(['--input-type=module', '-e', "await import('nodemailer'); await import('@nats-io/transport-node');"]);
    expect(pkgs.filter(heavy)).toEqual(expect.arrayContaining(['nodemailer', '@nats-io/transport-node']));
  });
});
