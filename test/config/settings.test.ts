import { describe, it, expect } from 'vitest';
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
    expect(s.format).toEqual({ type: 'raw' });
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
});
