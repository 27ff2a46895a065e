import type { Writable } from 'node:stream';
import { quietStdout } from './quiet-stdout.js';

/** What a command may touch of the outside world, so tests can run commands in-process. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Resolves when SIGINT/SIGTERM arrives; commands race it against their work. */
  onSignal(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

export const ExitCode = {
  ok: 0,
  /** The run failed or was cancelled. */
  failed: 1,
  /** Bad input: unknown flag, invalid settings/config, invalid run id. */
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function processIo(): CliIo {
  return {
    stdout: quietStdout(process.stdout),
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onSignal(handler) {
      const int = () => handler('SIGINT');
      const term = () => handler('SIGTERM');
      process.on('SIGINT', int);
      process.on('SIGTERM', term);
      return () => {
        process.off('SIGINT', int);
        process.off('SIGTERM', term);
      };
    },
  };
}
