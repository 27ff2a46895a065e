/**
 * Docs that cannot drift: every `log-anomaly COMMAND --flag` written in README.md, docs/*.md and the
 * `--help` examples names a command and flags the built CLI has (each command's real `--help` is
 * run), and the README's exit code table is the CLI's one exit-code map.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, repoRoot } from '../helpers/cli.js';
import { ExitCode } from '../../src/cli/io.js';
import { HELP_EXAMPLES } from '../../src/cli/help-examples.js';

const docs = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const COMMAND_LINE = /log-anomaly +([a-z]+)\b([^`|\n]*)/g;

/** Every (file, command, flags) the docs and the help examples show. */
function shownCommands(): { where: string; command: string; flags: string[] }[] {
  const sources = [...docs.map((f) => [f, readFileSync(join(repoRoot, f), 'utf8')] as const), ['--help examples', Object.values(HELP_EXAMPLES).flat().map(([, c]) => c).join('\n')] as const];
  const out: { where: string; command: string; flags: string[] }[] = [];
  for (const [where, text] of sources) {
    for (const m of text.matchAll(COMMAND_LINE)) {
      const flags = [...m[2].matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b/g)].map((f) => f[1]);
      out.push({ where, command: m[1], flags });
    }
  }
  return out;
}

describe('commands and flags shown in the docs', { timeout: 60_000 }, () => {
  it('exist: each command --help exits 0, lists every flag the docs use with it, and has examples', async () => {
    const shown = shownCommands();
    expect(shown.length).toBeGreaterThan(10);
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    const commands = new Set(shown.map((s) => s.command).filter((c) => c !== 'pipeline'));
    for (const command of commands) {
      const help = await runCli([command, '--help']);
      expect(help.code, `log-anomaly ${command} --help (shown in ${shown.find((s) => s.command === command)!.where})`).toBe(0);
      expect(help.stdout, `${command} --help`).toContain('Examples:\n  # ');
      for (const s of shown.filter((x) => x.command === command)) {
        for (const flag of s.flags) expect(help.stdout, `${s.where}: log-anomaly ${command} ${flag}`).toMatch(new RegExp(`(^|[ ,])${flag}\\b`, 'm'));
      }
    }
  });

  it("the README's exit code table is src/cli/io.ts's ExitCode", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 3));
    const codes = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual(Object.values(ExitCode).sort());
  });
});

describe('log-anomaly completion', () => {
  it('bash: the script completes commands and the flags of the command typed', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    const { execFileSync } = await import('node:child_process');
    const complete = (words: string[]) =>
      execFileSync('bash', ['-c', `${r.stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _log_anomaly; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' })
        .trim()
        .split('\n');
    expect(complete(['log-anomaly', 'de'])).toEqual(['detect']);
    expect(complete(['log-anomaly', 'watch', '--w'])).toEqual(['--wait']);
    expect(complete(['log-anomaly', 'run', '--pa'])).toEqual(['--pace']);
  });

  it('zsh and fish print scripts; another shell is bad input (exit 2)', async () => {
    expect((await runCli(['completion', 'zsh'])).stdout).toMatch(/^#compdef log-anomaly/);
    expect((await runCli(['completion', 'fish'])).stdout).toContain('complete -c log-anomaly -n "__fish_seen_subcommand_from detect" -l baseline');
    const bad = await runCli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('use one of bash, zsh, fish');
  });
});
