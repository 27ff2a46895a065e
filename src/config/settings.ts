/**
 * Pipeline settings: read, validated and resolved before any machine starts. Relative paths are
 * resolved from the settings file's directory, so a settings file means the same thing from any cwd.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ErrorCode, errnoCode, messageOf } from '../errors.js';
import { settingsSchema } from './settings-schema.js';
import type { LogSource, PipelineSettings, UploadSettings } from './settings-types.js';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { parseYaml } from './yaml-schema.js';


const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Validate settings text; `file` names it in errors and anchors relative paths. */
export function parseSettings(text: string, file: string, displayName = file): PipelineSettings {
  const raw = parseYaml(text, displayName, ErrorCode.SETTINGS_INVALID, settingsSchema);
  const base = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const outputDir = at(raw.output.dir);
  const src = raw.source;
  const source: LogSource = src.type === 'file' ? { ...src, paths: src.paths.map(at) } : src;
  const dc = raw.detectionConfig;
  const detector = raw.detector;
  const upload: UploadSettings = raw.upload
    ? raw.upload.type === 'local'
      ? { ...raw.upload, dir: at(raw.upload.dir) }
      : raw.upload
    : { type: 'local', dir: join(outputDir, 'uploads') };
  const nats = raw.nats
    ? {
        ...raw.nats,
        credsFile: raw.nats.credsFile ? at(raw.nats.credsFile) : undefined,
        tls: raw.nats.tls
          ? {
              caFile: raw.nats.tls.caFile && at(raw.nats.tls.caFile),
              certFile: raw.nats.tls.certFile && at(raw.nats.tls.certFile),
              keyFile: raw.nats.tls.keyFile && at(raw.nats.tls.keyFile),
            }
          : undefined,
      }
    : undefined;
  return {
    file: resolve(file),
    source,
    format: raw.format,
    detectionConfig: {
      ...dc,
      location: isUrl(dc.location) ? dc.location : at(dc.location),
      cacheDir: dc.cacheDir ? at(dc.cacheDir) : undefined,
    },
    install: { commands: raw.install.commands },
    detector:
      detector.type === 'builtin'
        ? { ...detector, modelPath: detector.modelPath && at(detector.modelPath), baseline: detector.baseline?.map(at) }
        : detector,
    smtp: raw.smtp,
    upload,
    steps: raw.steps,
    output: { dir: outputDir },
    mutes: { file: raw.mutes.file ? at(raw.mutes.file) : join(detector.type === 'builtin' && detector.modelPath ? dirname(at(detector.modelPath)) : outputDir, 'mutes.json') },
    nats,
    schedules: raw.schedules,
  };
}

/** The bundled demo settings, found from this module's own location (src/ or dist/). */
export function defaultSettingsFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'examples', 'demo.yaml');
}

export async function loadSettings(file: string | undefined, opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<PipelineSettings> {
  const path = file ? resolve(opts.cwd, file) : defaultSettingsFile();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const why = errnoCode(err) === 'ENOENT' ? 'no such file' : messageOf(err);
    throw new ConfigError(ErrorCode.SETTINGS_INVALID, { file: file ?? path }, `cannot read settings: ${why}`, { cause: err });
  }
  const settings = parseSettings(text, path, file ?? path);
  if (opts.env) requireEnv(settings, text, file ?? path, opts.env);
  return settings;
}

/**
 * Env vars every run needs (the config service's and the upload's token) must be set before the
 * run starts: a missing one is bad input (exit 2), not a failed run. SMTP and NATS credentials
 * are checked where they are used (a dry run sends no email).
 */
function requireEnv(s: PipelineSettings, text: string, display: string, env: NodeJS.ProcessEnv): void {
  const needed: [readonly string[], string | undefined][] = [
    [['detectionConfig', 'tokenEnv'], isUrl(s.detectionConfig.location) ? s.detectionConfig.tokenEnv : undefined],
    [['upload', 'tokenEnv'], s.upload.type === 'http' ? s.upload.tokenEnv : undefined],
  ];
  for (const [path, name] of needed) {
    if (!name || env[name]) continue;
    const lc = new LineCounter();
    const node = parseDocument(text, { lineCounter: lc }).getIn(path, true) as Node | undefined;
    const pos = node?.range ? lc.linePos(node.range[0]) : undefined;
    throw new ConfigError(
      ErrorCode.SETTINGS_INVALID,
      { file: display, line: pos?.line, column: pos?.col, field: path.join('.') },
      `environment variable ${name} is not set (it holds the token; export it before running)`,
    );
  }
}
