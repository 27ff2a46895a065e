#!/usr/bin/env node
/**
 * The one place that turns outcomes into exit codes: 0 completed, 1 failed or cancelled,
 * 2 bad input (usage, invalid settings/config, invalid run id).
 */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { ExitCode, processIo } from './io.js';
import { errorExitCode, formatCliError } from './errors.js';
import { quietAwsNodeWarning, unsupportedNode } from './node-version.js';

async function main(argv: string[]): Promise<void> {
  const io = processIo();
  const tooOld = unsupportedNode(process.versions.node);
  if (tooOld !== null) {
    io.stderr.write(tooOld + '\n');
    process.exitCode = ExitCode.failed;
    return;
  }
  quietAwsNodeWarning(process.env);
  let code: number = ExitCode.ok;
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    argv,
  );
  try {
    await program.parseAsync(argv);
    process.exitCode = code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help/version print and exit 0; every other commander error is bad usage.
      process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    io.stderr.write(formatCliError(err) + '\n');
    process.exitCode = errorExitCode(err);
  }
}

void main(process.argv);
