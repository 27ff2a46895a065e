/**
 * The beat both leases keep (a file's heartbeatAt, a KV entry's revision): one beat at a time,
 * in order, never keeping the process alive; `stop` waits for the beat in flight.
 */
export interface Heartbeat {
  stop(): Promise<void>;
}

export function startHeartbeat(intervalMs: number, beat: () => Promise<void>, onError: (err: unknown) => void): Heartbeat {
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(beat).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beating;
    },
  };
}
