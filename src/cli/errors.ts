import { BAD_INPUT_CODES, ConfigError, PipelineError, UsageError } from '../errors.js';
import { ExitCode } from './io.js';
import { sanitizeForTerminal } from '../util/sanitize.js';


/** Bad input is 2; anything else that escapes a command is a failure, 1. */
export function errorExitCode(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) return ExitCode.usage;
  if (err instanceof PipelineError && BAD_INPUT_CODES.has(err.code)) return ExitCode.usage;
  return ExitCode.failed;
}

/** One line, no stack: what is wrong and where. */
export function formatCliError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `log-anomaly: error: ${sanitizeForTerminal(msg)}`;
}
