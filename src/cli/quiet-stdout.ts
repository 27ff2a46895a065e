/**
 * stdout for a pipe that may close early (`log-anomaly run ... | head -1`): after EPIPE, output is
 * dropped quietly and the command goes on, so the run still finishes, writes run.json and
 * publishes its last state; without this the EPIPE 'error' event crashed the process mid-run.
 * A terminal gets process.stdout itself (Ink needs the real TTY stream).
 */
import { Writable } from 'node:stream';

type Out = Writable & { isTTY?: boolean; columns?: number; rows?: number };

const CLOSED_CODES: ReadonlySet<string | undefined> = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET']);

export function quietStdout(out: NodeJS.WriteStream): Out {
  if (out.isTTY) return out;
  let closed = false;
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (CLOSED_CODES.has(err.code)) closed = true;
    else process.stderr.write(`log-anomaly: stdout: ${err.message}\n`);
  });
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (closed || out.destroyed) { done(); return; }
      // the write's own error (EPIPE) also reaches the 'error' listener above; here it is only swallowed
      out.write(chunk, () => done());
    },
  });
}
