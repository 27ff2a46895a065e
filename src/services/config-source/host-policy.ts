/**
 * Where the config URL may point: not at link-local or cloud metadata addresses (169.254.0.0/16,
 * fe80::/10, fd00:ec2::254, metadata.google.internal), where a URL in a settings file could read
 * instance credentials, unless the host is allow-listed in `detectionConfig.allowHosts`. Checked
 * on the addresses the name resolves to, so a DNS name for 169.254.169.254 is caught too.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ErrorCode, PipelineError } from '../../errors.js';
import { redactUrl } from '../../util/redact-url.js';

const METADATA_NAMES: ReadonlySet<string> = new Set(['metadata.google.internal', 'metadata']);

export function isForbiddenAddress(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('169.254.');
  const a = address.toLowerCase();
  if (a.startsWith('::ffff:')) return isForbiddenAddress(a.slice(7));
  // fe80::/10 is fe80 through febf
  if (/^fe[89ab][0-9a-f]:/.test(a)) return true;
  return a === 'fd00:ec2::254';
}

export async function checkConfigHost(url: string, allowHosts: readonly string[] = []): Promise<void> {
  const { hostname } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allowHosts.some((h) => h.toLowerCase() === host)) return;
  const refuse = (why: string) =>
    new PipelineError(ErrorCode.CONFIG_INVALID, `${redactUrl(url)}: ${why}; add the host to detectionConfig.allowHosts if this is intended`, { retryable: false });
  if (METADATA_NAMES.has(host.replace(/\.$/, ''))) throw refuse(`${host} is a cloud metadata service`);
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  const bad = addresses.find(isForbiddenAddress);
  if (bad !== undefined) throw refuse(`${host} resolves to the link-local/metadata address ${bad}`);
}
