/**
 * `log-anomaly completion bash|zsh|fish`: a completion script built from the command table
 * itself (commands and their long flags), so it cannot fall behind program.ts.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

interface Entry {
  readonly name: string;
  readonly flags: readonly string[];
  readonly description: string;
}

function table(program: Command): Entry[] {
  return program.commands.map((c) => ({
    name: c.name(),
    flags: [...c.options.map((o) => o.long).filter((l): l is string => !!l), '--help'],
    description: c.description(),
  }));
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function bash(entries: Entry[]): string {
  const cases = entries.map((e) => `    ${e.name}) opts=${quote(e.flags.join(' '))} ;;`).join('\n');
  return `# log-anomaly bash completion: source <(log-anomaly completion bash)
_log_anomaly() {
  local cur cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W ${quote(entries.map((e) => e.name).join(' ') + ' --help --version')} -- "$cur") )
    return
  fi
  case "$cmd" in
${cases}
    *) opts='' ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _log_anomaly log-anomaly
`;
}

function zsh(entries: Entry[]): string {
  const cmds = entries.map((e) => `    ${quote(`${e.name}:${e.description.replace(/:/g, '\\:')}`)}`).join('\n');
  const cases = entries.map((e) => `    ${e.name}) _arguments ${e.flags.map((f) => quote(`${f}[]`)).join(' ')} '*:file:_files' ;;`).join('\n');
  return `#compdef log-anomaly
# log-anomaly zsh completion: log-anomaly completion zsh > "\${fpath[1]}/_log-anomaly"
_log_anomaly() {
  local -a commands
  commands=(
${cmds}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _log_anomaly log-anomaly
`;
}

function fish(entries: Entry[]): string {
  const lines = ['# log-anomaly fish completion: log-anomaly completion fish > ~/.config/fish/completions/log-anomaly.fish'];
  const names = entries.map((e) => e.name).join(' ');
  for (const e of entries) {
    lines.push(`complete -c log-anomaly -n "not __fish_seen_subcommand_from ${names}" -a ${e.name} -d ${quote(e.description)}`);
    for (const f of e.flags) lines.push(`complete -c log-anomaly -n "__fish_seen_subcommand_from ${e.name}" -l ${f.slice(2)}`);
  }
  return lines.join('\n') + '\n';
}

export function completionScript(program: Command, shell: string): string {
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion: unknown shell "${shell}": use one of ${SHELLS.join(', ')}`);
  const entries = table(program);
  return shell === 'bash' ? bash(entries) : shell === 'zsh' ? zsh(entries) : fish(entries);
}
