/**
 * What each step may see of the environment: only the variables its settings name. The
 * composition root adds them to a service's input as the step starts (never to a machine's input,
 * whose context is saved to disk and observed), so a service never reads process.env.
 */
import type { DownloadConfigInput, EmailInput, Env, UploadInput } from '../contracts.js';

function pick(env: Env, names: readonly (string | undefined)[]): Env {
  const out: Record<string, string | undefined> = {};
  for (const name of names) if (name !== undefined && env[name] !== undefined) out[name] = env[name];
  return out;
}

export const configSecrets = (env: Env, input: DownloadConfigInput): Env => pick(env, [input.source.tokenEnv]);
export const uploadSecrets = (env: Env, input: UploadInput): Env => pick(env, [input.upload.type === 'http' ? input.upload.tokenEnv : undefined]);
export const emailSecrets = (env: Env, input: EmailInput): Env => pick(env, [input.smtp?.userEnv, input.smtp?.passEnv]);
