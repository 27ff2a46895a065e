/**
 * Every failure the pipeline can report is a PipelineError with a stable `code`.
 * `retryable` is decided by the error, not by the caller: the machines' retry guard reads it
 * (a bad config never gets better by retrying; a dropped connection may).
 */
export const ErrorCode = {
  USAGE: 'USAGE',
  SETTINGS_INVALID: 'SETTINGS_INVALID',
  CONFIG_INVALID: 'CONFIG_INVALID',
  INPUT_INVALID: 'INPUT_INVALID',
  NOT_FOUND: 'NOT_FOUND',
  NETWORK: 'NETWORK',
  HTTP: 'HTTP',
  TIMEOUT: 'TIMEOUT',
  ABORTED: 'ABORTED',
  IO: 'IO',
  COMMAND_FAILED: 'COMMAND_FAILED',
  DETECTOR_FAILED: 'DETECTOR_FAILED',
  SMTP: 'SMTP',
  WEBHOOK: 'WEBHOOK',
  UPLOAD: 'UPLOAD',
  AWS: 'AWS',
  INTERNAL: 'INTERNAL',
  /** Another execution of the same run id holds its lease (exit 1, not bad input). */
  LEASE_HELD: 'LEASE_HELD',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes that mean the input was bad (the user must fix it; retrying cannot help): exit code 2. */
export const BAD_INPUT_CODES: ReadonlySet<string> = new Set([ErrorCode.USAGE, ErrorCode.SETTINGS_INVALID, ErrorCode.CONFIG_INVALID, ErrorCode.INPUT_INVALID]);

export interface PipelineErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class PipelineError extends Error {
  override name = 'PipelineError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, opts: PipelineErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}

/** Bad command-line input: exit code 2. */
export class UsageError extends PipelineError {
  override name = 'UsageError';
  constructor(message: string, opts: PipelineErrorOptions = {}) {
    super(ErrorCode.USAGE, message, opts);
  }
}

/** Where in a YAML/JSON document a problem is: printed as `file:line:col field: message`. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  field?: string;
}

export function formatLocation(loc: SourceLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  if (loc.field) s += ` ${loc.field}`;
  return s;
}

/** Invalid pipeline settings or detection config; never retried. */
export class ConfigError extends PipelineError {
  override name = 'ConfigError';
  readonly location: SourceLocation;
  readonly problem: string;
  constructor(
    code: typeof ErrorCode.CONFIG_INVALID | typeof ErrorCode.SETTINGS_INVALID,
    location: SourceLocation,
    problem: string,
    opts: PipelineErrorOptions = {},
  ) {
    super(code, `${formatLocation(location)}: ${problem}`, { ...opts, retryable: false });
    this.location = location;
    this.problem = problem;
  }
}

/** A connection-level failure (refused, reset, DNS): worth retrying. */
export class NetworkError extends PipelineError {
  override name = 'NetworkError';
  constructor(message: string, opts: PipelineErrorOptions = {}) {
    super(ErrorCode.NETWORK, message, { retryable: true, ...opts });
  }
}

/** An HTTP response that is an error: 5xx and 429 retry, other 4xx do not. */
export class HttpError extends PipelineError {
  override name = 'HttpError';
  readonly status: number;
  readonly url: string;
  constructor(status: number, url: string, message?: string, opts: PipelineErrorOptions = {}) {
    super(ErrorCode.HTTP, message ?? `HTTP ${status} from ${url}`, {
      retryable: status >= 500 || status === 429 || status === 408,
      ...opts,
    });
    this.status = status;
    this.url = url;
  }
}

export class TimeoutError extends PipelineError {
  override name = 'TimeoutError';
  constructor(message: string, opts: PipelineErrorOptions = {}) {
    super(ErrorCode.TIMEOUT, message, { retryable: true, ...opts });
  }
}

export class AbortedError extends PipelineError {
  override name = 'AbortedError';
  constructor(message = 'aborted', opts: PipelineErrorOptions = {}) {
    super(ErrorCode.ABORTED, message, { ...opts, retryable: false });
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof PipelineError ? err.retryable : false;
}

/**
 * The message of whatever was thrown: an Error's (or an error-shaped object's, such as one from
 * another realm) message, else the thrown value as text. Catch clauses see `unknown`, and a thrown
 * string has no `.message`.
 */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

/** A Node system error's code (`ENOENT`, `EACCES`...), or undefined when the thrown value has none. */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** A plain, serialisable view of an error for events and reports (never a stack, never secrets). */
export interface ErrorInfo {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof PipelineError) {
    return { name: err.name, code: err.code, message: err.message, retryable: err.retryable };
  }
  if (err instanceof Error) {
    return { name: err.name, code: ErrorCode.INTERNAL, message: err.message, retryable: false };
  }
  return { name: 'Error', code: ErrorCode.INTERNAL, message: String(err), retryable: false };
}

/** Throws AbortedError if the signal has fired: call at the top of loops in services. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'operation'): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof PipelineError) throw reason;
    throw new AbortedError(`${what} aborted`, { cause: reason });
  }
}
