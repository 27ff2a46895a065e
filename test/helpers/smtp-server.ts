/**
 * A real SMTP server on loopback (smtp-server) that parses what it receives with mailparser, and
 * can be told to refuse recipients or commands with a given reply, for the email service's tests.
 *
 * Fault points for crash tests (`holdAt`): the server stops answering at that point of the FIRST
 * session (the client hangs there) and `reached()` resolves, so a test can SIGKILL the client at
 * a known place: `connect` (TCP accepted, no greeting), `mailFrom` (MAIL FROM received, no reply),
 * `data` (the whole message received, no 250), `accepted` (250 sent: the message is delivered).
 */
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  readonly user?: string;
  /** The session was upgraded with STARTTLS. */
  readonly secure: boolean;
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
  /** Server clock when the message's data was complete. */
  readonly receivedAt: number;
}

export interface Reply {
  readonly code: number;
  readonly message: string;
}

export interface TestSmtpOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Refuse a recipient (return a reply) or accept it (undefined). */
  rcptReply?: (address: string) => Reply | undefined;
  /** Refuse MAIL FROM (e.g. 421 to end the session). */
  mailFromReply?: () => Reply | undefined;
  /** Hold DATA without answering (to abort a send mid-flight). */
  holdData?: boolean;
  /** Offer STARTTLS (smtp-server's built-in self-signed certificate). */
  readonly starttls?: boolean;
  /** Stop answering at this point of the first session (see the header). */
  holdAt?: HoldPoint;
}

export type HoldPoint = 'connect' | 'mailFrom' | 'data' | 'accepted';

export interface TestSmtpServer {
  readonly host: string;
  readonly port: number;
  readonly messages: ReceivedMail[];
  /** Every RCPT TO the server saw, accepted or not. */
  readonly rcptAttempts: string[];
  readonly options: TestSmtpOptions;
  /** Resolves when a DATA command starts (with holdData: the message is now in flight). */
  dataStarted(): Promise<void>;
  /** Resolves when the first session reaches `holdAt`. */
  reached(): Promise<void>;
  close(): Promise<void>;
}

function replyError(r: Reply): Error {
  return Object.assign(new Error(r.message), { responseCode: r.code });
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const rcptAttempts: string[] = [];
  let onDataStart: (() => void) | undefined;
  let dataStart = new Promise<void>((r) => (onDataStart = r));
  let onReached: () => void = () => {};
  const reached = new Promise<void>((r) => (onReached = r));
  let held = false;
  /** True once: the first time the session gets to the hold point. */
  const holdHere = (point: HoldPoint) => {
    if (options.holdAt !== point || held) return false;
    held = true;
    return true;
  };
  const server = new SMTPServer({
    secure: false,
    logger: false,
    closeTimeout: 1000,
    disabledCommands: [...(options.starttls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) { cb(null, { user: auth.username }); return; }
      cb(replyError({ code: 535, message: 'Authentication failed' }));
    },
    onConnect(_session: SMTPServerSession, cb) {
      if (holdHere('connect')) { onReached(); return; } // never greet
      cb();
    },
    onMailFrom(_address: SMTPServerAddress, _session: SMTPServerSession, cb) {
      if (holdHere('mailFrom')) { onReached(); return; } // never reply
      const r = options.mailFromReply?.();
      cb(r ? replyError(r) : null);
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb) {
      rcptAttempts.push(address.address);
      const r = options.rcptReply?.(address.address);
      cb(r ? replyError(r) : null);
    },
    onData(stream, session, cb) {
      onDataStart?.();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (options.holdData) return; // never answer: the client must give up on its own
        const raw = Buffer.concat(chunks);
        if (holdHere('data')) {
          onReached(); // the message is here, the 250 never goes
          return;
        }
        const accepted = holdHere('accepted');
        const receivedAt = Date.now();
        simpleParser(raw).then(
          (parsed) => {
            messages.push({
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((a) => a.address),
              user: session.user as string | undefined,
              secure: session.secure,
              raw,
              parsed,
              receivedAt,
            });
            cb(null, 'queued');
            if (accepted) setImmediate(onReached); // after the 250 was written
          },
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    rcptAttempts,
    options,
    dataStarted: () => dataStart,
    reached: () => reached,
    close: () =>
      new Promise<void>((resolve) => {
        dataStart = Promise.resolve();
        server.close(() => resolve());
      }),
  };
}
