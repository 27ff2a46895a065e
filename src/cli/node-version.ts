/**
 * The Node versions this package runs and is developed on, checked before any command so an old
 * Node fails with one clear line instead of a stack trace from deep inside a dependency. The range
 * is the intersection of every dependency's `engines` (vitest/vite need 20.19 or 22.12), and the same
 * string is package.json's `engines.node`.
 */
export const SUPPORTED_NODE = '^20.19.0 || >=22.12.0';

/** null when `version` (process.versions.node, e.g. "20.19.2") is supported, else what to tell the user. */
export function unsupportedNode(version: string): string | null {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  return ok ? null : `log-anomaly needs Node ${SUPPORTED_NODE}; this is Node ${version}. Install a newer Node (https://nodejs.org) and run again.`;
}

/**
 * The AWS SDK warns on every run under Node 20 that SDK releases after January 2027 will need
 * Node 22. Our SDK versions are pinned by package-lock.json and support Node 20, so the warning
 * is not actionable for a user of this tool; the SDK documents this variable to turn it off
 * (aws/aws-sdk-js-v3#7983). An explicit value in the environment wins.
 */
export function quietAwsNodeWarning(env: NodeJS.ProcessEnv): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
