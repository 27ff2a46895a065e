import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_NODE, quietAwsNodeWarning, unsupportedNode } from '../../src/cli/node-version.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};

describe('supported Node versions', () => {
  it('package.json states the range the CLI checks', () => {
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
  });

  it('accepts 20.19+, 22.12+ and later majors; rejects the rest with what to do', () => {
    for (const v of ['20.19.0', '20.20.2', '22.12.0', '24.1.0']) expect(unsupportedNode(v), v).toBeNull();
    for (const v of ['18.20.8', '20.18.1', '21.7.3', '22.11.0']) {
      expect(unsupportedNode(v), v).toMatch(new RegExp(`needs Node .*this is Node ${v.replace(/\./g, '\\.')}\\. Install a newer Node`));
    }
    expect(unsupportedNode(process.versions.node)).toBeNull();
  });

  it('no locked package asks for more than Node 20 (npm ci prints no EBADENGINE)', () => {
    // every engines.node in the lock admits 20.19: flagged when each `||` alternative asks for 21+
    // (`>=23.5.0 || ^22.13.0 || ^20.17.0` admits it through its last one)
    const asks21 = (range: string) => range.split('||').every((alt) => /^\s*>=?\s*2[1-9]/.test(alt));
    const wants22 = Object.entries(lock.packages)
      .filter(([, p]) => p.engines && !Array.isArray(p.engines) && asks21(p.engines.node ?? ''))
      .map(([name, p]) => `${name} ${(p.engines as { node: string }).node}`);
    expect(wants22).toEqual([]);
  });

  it("turns off only the AWS SDK's Node-version notice, and an explicit setting wins", () => {
    const env: NodeJS.ProcessEnv = {};
    quietAwsNodeWarning(env);
    expect(env).toEqual({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    const mine: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' };
    quietAwsNodeWarning(mine);
    expect(mine.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });
});
