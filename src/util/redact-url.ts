/**
 * A URL without what can grant access: user info and the query string (presigned S3 links carry
 * X-Amz-Credential/X-Amz-Signature there). For reports, events and logs; the email alone gets the
 * full link, which is what it is for.
 */
export function redactUrl(uri: string): string {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return uri;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return uri;
  return `${u.protocol}//${u.host}${u.pathname}`;
}
