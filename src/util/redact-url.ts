/**
 * The one way a URL is printed (reports, events, run.json, NATS, errors, logs): without what can
 * grant access, that is user info and the query string (presigned S3 links carry
 * X-Amz-Credential/X-Amz-Signature there). The email alone gets the full report link, which is
 * what it is for. Anything that is not `scheme://...` (a local path) is returned as it is.
 */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function redactUrl(uri: string): string {
  if (!HAS_SCHEME.test(uri)) {
    // `user:pass@host:4222` (a NATS server without scheme) still hides its user info
    return /^[^/@\s]*@/.test(uri) ? uri.replace(/^[^/@\s]*@/, '***@') : uri;
  }
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return '<invalid url>';
  }
  const auth = u.username || u.password ? '***@' : '';
  return `${u.protocol}//${auth}${u.host}${u.pathname}`;
}

/** True when a URL carries user info (`https://user:pass@host/`): refused in settings. */
export function hasUserInfo(uri: string): boolean {
  if (!HAS_SCHEME.test(uri)) return false;
  try {
    const u = new URL(uri);
    return u.username !== '' || u.password !== '';
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(uri);
  }
}
