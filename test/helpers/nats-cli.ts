/** A CliIo in memory, with a signal the test can raise, for running commands in-process. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

export function memoryIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string; signal: (s: 'SIGINT' | 'SIGTERM') => void } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const handlers = new Set<(s: 'SIGINT' | 'SIGTERM') => void>();
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env,
    cwd: process.cwd(),
    onSignal(h) {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    out: () => out,
    err: () => err,
    signal: (s) => [...handlers].forEach((h) => h(s)),
  };
}
