/**
 * nodemailer transports from the settings. Credentials come from the environment variables the
 * settings NAME; a missing one is a settings error that names the variable (never a value).
 */
import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../../config/settings-types.js';
import { ErrorCode, PipelineError } from '../../errors.js';
import { installBeforeDataGate } from './gate.js';

export const DEFAULT_MAX_CONNECTIONS = 3;
export const PREVIEW_FROM = 'log-anomaly-pipeline <noreply@log-anomaly-pipeline.local>';

import type { Env } from '../../contracts.js';

function fromEnv(env: Env, name: string, field: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new PipelineError(ErrorCode.SETTINGS_INVALID, `smtp.${field}: environment variable ${name} is not set`, {
      retryable: false,
      details: { field: `smtp.${field}`, env: name },
    });
  }
  return value;
}

/** The options handed to nodemailer.createTransport (exported so a test can see what reached it). */
export function smtpTransportOptions(s: SmtpSettings, env: Env) {
  if ((s.userEnv === undefined) !== (s.passEnv === undefined)) {
    throw new PipelineError(ErrorCode.SETTINGS_INVALID, 'smtp.userEnv and smtp.passEnv must be set together', { retryable: false });
  }
  const auth = s.userEnv && s.passEnv ? { user: fromEnv(env, s.userEnv, 'userEnv'), pass: fromEnv(env, s.passEnv, 'passEnv') } : undefined;
  return {
    host: s.host,
    port: s.port,
    secure: s.secure,
    requireTLS: s.requireTls ?? false,
    ...(auth ? { auth } : {}),
    ...(s.tlsInsecure ? { tls: { rejectUnauthorized: false } } : {}),
    // Bounded waits: the step's own timeout is the outer limit, these fail a dead server sooner.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    pool: s.pool,
    // nodemailer checks rateLimit only when a connection comes back for its next message, so
    // each newly opened connection sends one message unchecked: more connections than the rate
    // limit would burst past it. Capping connections at the limit keeps the limit true.
    maxConnections: s.rateLimit > 0 ? Math.max(1, Math.min(s.maxConnections ?? DEFAULT_MAX_CONNECTIONS, s.rateLimit)) : (s.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
    rateLimit: s.rateLimit,
    rateDelta: s.rateDeltaMs,
    // No silent resend inside the pool: a message whose connection dropped may already have been
    // accepted. Retries belong to the step, which consults the ledger first.
    maxRequeues: 0,
  };
}

export function createSmtpMailer(s: SmtpSettings, env: Env) {
  const opts = smtpTransportOptions(s, env);
  const mailer = opts.pool ? nodemailer.createTransport({ ...opts, pool: true }) : nodemailer.createTransport({ ...opts, pool: false });
  installBeforeDataGate(mailer);
  return mailer;
}

export function createPreviewMailer() {
  return nodemailer.createTransport({ streamTransport: true, buffer: true });
}
