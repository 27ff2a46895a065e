import { describe, it, expect } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSettingsFile, loadSettings, parseSettings } from '../../src/config/settings.js';
import { ConfigError } from '../../src/errors.js';

const minimal = 'source: { type: file, paths: [logs/*.log] }\ndetectionConfig: { location: detection.yaml }\n';

function errorOf(text: string, file = 'settings.yaml'): ConfigError {
  try {
    parseSettings(text, `/etc/lap/${file}`, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('pipeline settings', () => {
  it('loads the bundled demo with defaults and absolute paths', async () => {
    const s = await loadSettings(undefined, { cwd: '/' });
    expect(s.file).toBe(defaultSettingsFile());
    const examples = join(defaultSettingsFile(), '..');
    expect(s.source).toEqual({ type: 'file', paths: [join(examples, 'logs/*.log')] });
    expect(s.detectionConfig.location).toBe(join(examples, 'detection-config.yaml'));
    expect(s.output.dir).toBe(join(examples, '..', 'runs'));
    expect(s.smtp).toBeUndefined();
    expect(s.steps.download_config_yaml).toEqual({ attempts: 3, baseDelayMs: 500, maxDelayMs: 10000, timeoutMs: 30000 });
  });

  it('fills every default and resolves relative paths from the settings file', () => {
    const s = parseSettings(minimal + 'steps:\n  upload_report: { attempts: 5 }\n', '/etc/lap/settings.yaml');
    expect(s.format).toEqual({ type: 'auto' });
    expect(s.detector).toEqual({ type: 'builtin' });
    expect(s.install.commands).toEqual([]);
    expect(s.output.dir).toBe('/etc/lap/runs');
    expect(s.upload).toEqual({ type: 'local', dir: '/etc/lap/runs/uploads' });
    expect(s.steps.upload_report).toEqual({ attempts: 5, baseDelayMs: 500, maxDelayMs: 10000, timeoutMs: 300000 });
    expect(s.source.type === 'file' && s.source.paths).toEqual(['/etc/lap/logs/*.log']);
  });

  it('keeps URLs as they are and applies smtp defaults', () => {
    const s = parseSettings(
      'source: { type: file, paths: x.log }\ndetectionConfig: { location: "https://skyu.example/cfg.yaml", tokenEnv: SKYU_TOKEN }\nsmtp: { host: mail, from: lap@example.com, passEnv: SMTP_PASS, userEnv: SMTP_USER }\n',
      '/x/s.yaml',
    );
    expect(s.detectionConfig.location).toBe('https://skyu.example/cfg.yaml');
    expect(s.smtp).toMatchObject({ host: 'mail', port: 587, secure: false, pool: true, rateLimit: 10, rateDeltaMs: 1000 });
  });

  it('names file, line, column and field for a wrong type', () => {
    const e = errorOf(minimal + 'steps:\n  upload_report:\n    attempts: lots\n');
    expect(e.message).toBe('settings.yaml:5:15 steps.upload_report.attempts: expected an integer >= 1 and <= 20, got "lots"');
  });

  it('rejects unknown keys with a suggestion, and unknown variants', () => {
    expect(errorOf(minimal + 'outptu: { dir: x }\n').message).toMatch(/^settings.yaml:3:1 outptu: unknown key \(did you mean "output"\?\)/);
    expect(errorOf('source: { type: ftp }\n').message).toMatch(/^settings.yaml:1:17 source.type: expected one of file, cloudwatch, got "ftp"/);
  });

  it('reports a missing required key at its parent', () => {
    expect(errorOf('source: { type: file, paths: [a] }\n').message).toBe('settings.yaml:1:1 detectionConfig: is required');
  });

  it('refuses secrets in the file and points to the *Env form', () => {
    const e = errorOf(minimal + 'smtp:\n  host: mail\n  from: a@b.c\n  password: hunter2\n');
    expect(e.message).toMatch(/smtp\.password: secrets never go in the settings file.*passEnv/);
    expect(e.message).not.toContain('hunter2');
  });

  it('reports YAML syntax errors with a position', () => {
    expect(errorOf('source: [\n').message).toMatch(/^settings.yaml:\d+:\d+: invalid YAML/);
  });

  it('validates regexes and argv lists', () => {
    expect(errorOf(minimal + 'detector: { type: builtin, sessionKey: "req=(" }\n').message).toMatch(/detector.sessionKey: not a valid regular expression/);
    expect(errorOf(minimal + 'install: { commands: [[]] }\n').message).toMatch(/install.commands\[0\]: expected at least 1 item/);
  });

  it('a missing settings file is a clear error naming it', async () => {
    await expect(loadSettings('nope.yaml', { cwd: '/tmp' })).rejects.toThrow(/nope\.yaml: cannot read settings: no such file/);
  });

  it('checks fields against each other, pointing at the field to change', () => {
    const cw = (extra: string) => `source:\n  type: cloudwatch\n  region: eu-west-1\n  logGroups: [/aws/lambda/api]\n${extra}detectionConfig: { location: d.yaml }\n`;
    expect(errorOf(cw('  since: 1h\n  from: "2026-11-26T09:00:00Z"\n')).message).toBe('settings.yaml:5:10 source.since: use either since or from/to, not both');
    expect(errorOf(cw('  from: "2026-11-26T09:00:00Z"\n  to: "2026-11-26T08:00:00Z"\n')).message).toMatch(/^settings.yaml:6:7 source.to: must be after from/);
    expect(errorOf(cw('  streamNames: [a]\n  streamPrefix: b\n')).message).toMatch(/source.streamPrefix: use either streamNames or streamPrefix/);
    expect(errorOf(cw('').replace('[/aws/lambda/api]', '["arn:aws:logs:eu-west-1:12:log-group:x"]')).message).toMatch(/source.logGroups\[0\]: expected a log group name or a log group ARN/);
    expect(errorOf(minimal + 'smtp: { host: mail, from: a@b.co, userEnv: SMTP_USER }\n').message).toBe('settings.yaml:3:44 smtp.userEnv: userEnv needs passEnv as well');
    expect(errorOf(minimal + 'steps:\n  install_packages: { baseDelayMs: 2000, maxDelayMs: 100 }\n').message).toMatch(
      /^settings.yaml:4:54 steps.install_packages.maxDelayMs: must be >= baseDelayMs \(2000\), got 100$/,
    );
    expect(errorOf('source: { type: file, paths: [a] }\ndetectionConfig: { location: "ftp://x/y.yaml" }\n').message).toMatch(
      /^settings.yaml:2:30 detectionConfig.location: expected a local path or an http\(s\) URL/,
    );
  });

  it('a valid CloudWatch source with a role, a window and the retry knobs', () => {
    const s = parseSettings(
      'source:\n  type: cloudwatch\n  region: us-east-1\n  roleArn: arn:aws:iam::123456789012:role/reader\n  logGroups: [/aws/lambda/api, "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*"]\n  streamPrefix: prod/\n  since: 2h\n  maxAttempts: 5\n  retryBaseDelayMs: 50\ndetectionConfig: { location: "https://skyu.example/c.yaml" }\n',
      '/x/s.yaml',
    );
    expect(s.source).toMatchObject({ type: 'cloudwatch', region: 'us-east-1', since: '2h', maxAttempts: 5, retryBaseDelayMs: 50 });
    expect(s.source.type === 'cloudwatch' && s.source.logGroups).toHaveLength(2);
  });

  it('refuses every secret-looking key wherever it appears, without echoing the value', () => {
    for (const [yaml, field, hint] of [
      ['detectionConfig: { location: d.yaml, token: abc123 }\nsource: { type: file, paths: [a] }\n', 'detectionConfig.token', 'tokenEnv'],
      [minimal + 'upload: { type: http, baseUrl: "https://u.example", apiKey: abc123 }\n', 'upload.apiKey', 'tokenEnv'],
      [minimal + 'smtp: { host: m, from: a@b.co, user: bob }\n', 'smtp.user', 'userEnv'],
      [minimal + 'nats: { servers: "nats://127.0.0.1:4222", pass: abc123 }\n', 'nats.pass', 'passEnv'],
    ] as const) {
      const e = errorOf(yaml);
      expect(e.message).toContain(`${field}: secrets never go in the settings file`);
      expect(e.message).toContain(hint);
      expect(e.message).not.toContain('abc123');
    }
  });

  it('resolves every relative path from the settings file, never from the cwd', () => {
    const s = parseSettings(
      minimal +
        'detector: { type: builtin, modelPath: model/m.json, baseline: [base/*.gz] }\nupload: { type: local, dir: ../shared/up }\noutput: { dir: /abs/runs }\nnats: { servers: "nats://127.0.0.1:4222", credsFile: nats.creds }\n',
      '/etc/lap/settings.yaml',
    );
    expect(s.detectionConfig.location).toBe('/etc/lap/detection.yaml');
    expect(s.detector).toEqual({ type: 'builtin', modelPath: '/etc/lap/model/m.json', baseline: ['/etc/lap/base/*.gz'] });
    expect(s.upload).toEqual({ type: 'local', dir: '/etc/shared/up' });
    expect(s.output.dir).toBe('/abs/runs');
    expect(s.nats?.credsFile).toBe('/etc/lap/nats.creds');
  });

  it('a settings file given relative to the cwd is read from there', async () => {
    const demo = defaultSettingsFile();
    const s = await loadSettings('demo.yaml', { cwd: join(demo, '..') });
    expect(s.file).toBe(demo);
  });

  it('follows anchors, aliases and merge keys, with positions in the anchored node', () => {
    const s = parseSettings(
      minimal + 'steps:\n  upload_report: &fast { attempts: 5, baseDelayMs: 10 }\n  analyze_report: *fast\n  install_packages:\n    <<: *fast\n    attempts: 1\n',
      '/etc/lap/settings.yaml',
    );
    expect(s.steps.analyze_report).toEqual({ attempts: 5, baseDelayMs: 10, maxDelayMs: 10000, timeoutMs: 60000 });
    expect(s.steps.install_packages).toEqual({ attempts: 1, baseDelayMs: 10, maxDelayMs: 10000, timeoutMs: 600000 });
    // install_packages is validated first; the bad value it merged is reported where it is written.
    expect(errorOf(minimal + 'steps:\n  upload_report: &bad { attempts: zero }\n  install_packages:\n    <<: *bad\n').message).toMatch(
      /^settings.yaml:4:35 steps.install_packages.attempts: expected an integer/,
    );
  });

  it('an empty file says so', () => {
    expect(errorOf('# nothing here\n').message).toBe('settings.yaml:1:1: the document is empty; expected a mapping');
  });

  it('with an env, a token variable every run needs must be set (named with its line)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lap-settings-'));
    try {
      await writeFile(join(dir, 's.yaml'), 'source: { type: file, paths: a.log }\ndetectionConfig:\n  location: "https://skyu.example/c.yaml"\n  tokenEnv: SKYU_TOKEN\n');
      await expect(loadSettings('s.yaml', { cwd: dir, env: {} })).rejects.toThrow('s.yaml:4:13 detectionConfig.tokenEnv: environment variable SKYU_TOKEN is not set');
      const s = await loadSettings('s.yaml', { cwd: dir, env: { SKYU_TOKEN: 'x' } });
      expect(s.detectionConfig.tokenEnv).toBe('SKYU_TOKEN');
      // Without an env (a library caller), nothing is checked.
      await expect(loadSettings('s.yaml', { cwd: dir })).resolves.toMatchObject({ detectionConfig: { tokenEnv: 'SKYU_TOKEN' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
