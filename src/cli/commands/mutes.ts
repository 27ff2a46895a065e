/**
 * `log-anomaly mute`, `accept`, `unmute` and `mutes`: the entries of the mutes file named by the
 * settings (next to the baseline model). Targets are a template id, a finding id
 * (`frequency_spike:1a2b3c4d[:...]`, which mutes that kind only) or the template's text.
 */
import { loadSettings } from '../../config/settings.js';
import { AnomalyKind } from '../../config/detection-types.js';
import { UsageError } from '../../errors.js';
import { isActive, muteId, parseDuration, parseTarget, type MuteAction, type MuteEntry } from '../../detector/mutes.js';
import { loadMutes, saveMutes } from '../../detector/baseline/mutes-store.js';
import { sanitizeForTerminal as clean } from '../../util/sanitize.js';
import type { CliIo } from '../io.js';

export interface MuteOptions {
  readonly target: string;
  readonly for?: string;
  readonly reason?: string;
  readonly config?: string;
}
export interface MutesListOptions {
  readonly json?: boolean;
  readonly all?: boolean;
  readonly config?: string;
}

async function mutesFile(config: string | undefined, io: CliIo): Promise<string> {
  return (await loadSettings(config, { cwd: io.cwd, env: io.env })).mutes.file;
}

async function upsert(action: MuteAction, opts: MuteOptions, io: CliIo, now = new Date()): Promise<number> {
  const target = parseTarget(opts.target, Object.values(AnomalyKind));
  let until: string | undefined;
  if (action === 'mute' && opts.for !== undefined) {
    const ms = parseDuration(opts.for);
    if (ms === undefined) throw new UsageError(`--for: expected a duration such as 90m, 12h, 7d or 2w, got "${opts.for}"`);
    until = new Date(now.getTime() + ms).toISOString();
  }
  if (action === 'mute' && opts.for === undefined) throw new UsageError('mute needs --for DURATION (for example --for 7d): a mute that never ends is an accept');
  const reason = opts.reason?.trim() ?? '';
  if (reason === '') throw new UsageError(`${action} needs --reason TEXT: the next person on call will want to know why`);
  const file = await mutesFile(opts.config, io);
  const doc = await loadMutes(file);
  const entry: MuteEntry = { id: muteId({ action, ...target }), action, ...target, reason, ...(until ? { until } : {}), createdAt: now.toISOString() };
  const entries = [...doc.entries.filter((e) => e.id !== entry.id), entry];
  await saveMutes(file, { ...doc, entries });
  const what = target.templateId ? `template ${target.templateId}${target.kind ? ` (${target.kind} only)` : ''}` : `template "${clean(target.template ?? '')}"`;
  io.stdout.write(`${action === 'mute' ? `muted ${what} until ${until}` : `accepted ${what} as normal`} (${entry.id} in ${file})\n`);
  return 0;
}

export function mute(opts: MuteOptions, io: CliIo): Promise<number> {
  return upsert('mute', opts, io);
}

export function accept(opts: MuteOptions, io: CliIo): Promise<number> {
  return upsert('accept', opts, io);
}

export async function unmute(opts: { readonly id: string; readonly config?: string }, io: CliIo): Promise<number> {
  const file = await mutesFile(opts.config, io);
  const doc = await loadMutes(file);
  const entries = doc.entries.filter((e) => e.id !== opts.id);
  if (entries.length === doc.entries.length) {
    io.stderr.write(`no entry ${clean(opts.id)} in ${file} (see log-anomaly mutes)\n`);
    return 1;
  }
  await saveMutes(file, { ...doc, entries });
  io.stdout.write(`removed ${opts.id}\n`);
  return 0;
}

export async function listMutes(opts: MutesListOptions, io: CliIo, now = Date.now()): Promise<number> {
  const file = await mutesFile(opts.config, io);
  const entries = (await loadMutes(file)).entries.filter((e) => opts.all || isActive(e, now));
  if (opts.json) {
    io.stdout.write(JSON.stringify({ file, entries: entries.map((e) => ({ ...e, active: isActive(e, now) })) }, null, 2) + '\n');
    return 0;
  }
  if (entries.length === 0) {
    io.stdout.write(`no ${opts.all ? '' : 'active '}mutes or accepts in ${file}\n`);
    return 0;
  }
  for (const e of entries) {
    const what = e.templateId ? `${e.kind ? `${e.kind}:` : ''}${e.templateId}` : `"${clean(e.template ?? '')}"`;
    const when = e.action === 'accept' ? 'for good' : isActive(e, now) ? `until ${e.until}` : `expired ${e.until}`;
    io.stdout.write(`${e.id}  ${e.action.padEnd(6)}  ${what}  ${when}  ${clean(e.reason)}\n`);
  }
  return 0;
}
