/**
 * The hook that makes "at most once" exact: a nodemailer stream plugin that holds a message's
 * bytes until a gate resolves. nodemailer's SMTP connection pipes the message only after the
 * server accepted MAIL FROM, every RCPT TO and the DATA command (354), so the gate runs after the
 * envelope and before a byte of the message is sent: the send-emails service records the ledger
 * entry `sending` there. A failed gate (the ledger could not be written) fails the send before
 * the message goes out.
 */
import { Readable } from 'node:stream';
import type { Transporter } from 'nodemailer';

/** The sendMail option that carries the gate (nodemailer keeps unknown options on `mail.data`). */
export const BEFORE_DATA = 'logAnomalyBeforeData';

export type Gate = () => Promise<void>;

interface MailLike {
  readonly data: Record<string, unknown>;
  readonly message: { createReadStream(): Readable };
}

/** A readable that awaits `gate` on the first read, then streams what `open` returns. */
export function gatedStream(open: () => Readable, gate: Gate): Readable {
  async function* body() {
    await gate();
    for await (const chunk of open()) yield chunk as Buffer;
  }
  // Readable.from pulls the generator only when the SMTP connection reads (after DATA's 354).
  return Readable.from(body(), { objectMode: false });
}

export function installBeforeDataGate(transporter: Transporter): void {
  transporter.use('stream', (mail, done) => {
    const m = mail as unknown as MailLike;
    const gate = m.data[BEFORE_DATA] as Gate | undefined;
    if (gate) {
      const original = m.message.createReadStream.bind(m.message);
      m.message.createReadStream = () => gatedStream(original, gate);
    }
    done();
  });
}
