import { describe, it, expect } from 'vitest';
import { ackWaitMs } from '../../src/cli/commands/worker.js';
import { runCli } from '../helpers/cli.js';

describe('worker options', () => {
  it('ack wait: the flag wins over the env var, which wins over 30 s', () => {
    expect(ackWaitMs({}, undefined)).toBe(30_000);
    expect(ackWaitMs({ LOG_ANOMALY_ACK_WAIT_SECONDS: '90' })).toBe(90_000);
    expect(ackWaitMs({ LOG_ANOMALY_ACK_WAIT_SECONDS: '90' }, 5)).toBe(5_000);
    expect(ackWaitMs({ LOG_ANOMALY_ACK_WAIT_SECONDS: 'soon' })).toBe(30_000);
  });

  it('a non-integer count is bad input: exit 2 naming the flag', async () => {
    const r = await runCli(['worker', '--concurrency', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--concurrency must be a positive integer, got "x"/);
  });
});
