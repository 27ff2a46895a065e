/**
 * `<runDir>/notifications.json`: what this run already sent, so a retried step or a re-executed
 * run never notifies anyone twice. Rewritten atomically after every accepted message; writes are
 * serialised because pooled sends finish in any order.
 *
 * The one window left is a crash between the server's 250 and the ledger write: that message goes
 * out again on retry, with the same deterministic Message-ID so mail clients can fold it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PipelineError } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';

export const LEDGER_FILE = 'notifications.json';

export type DeliveryMode = 'smtp' | 'preview';

export interface LedgerEntry {
  readonly messageId: string;
  readonly at: string;
  readonly mode: DeliveryMode;
  /** The .eml file for previews, relative to the run directory. */
  readonly file?: string;
}

export interface RejectedEntry {
  readonly at: string;
  readonly responseCode?: number;
  readonly error: string;
}

export interface LedgerDoc {
  readonly runId: string;
  readonly sent: Record<string, LedgerEntry>;
  /** Recipients refused for good: not tried again on retry. */
  readonly rejected: Record<string, RejectedEntry>;
}

export interface Ledger {
  readonly file: string;
  entry(recipient: string): LedgerEntry | undefined;
  rejected(recipient: string): RejectedEntry | undefined;
  recordSent(recipient: string, entry: LedgerEntry): Promise<void>;
  recordRejected(recipient: string, entry: RejectedEntry): Promise<void>;
}

async function load(file: string, runId: string): Promise<LedgerDoc> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { runId, sent: {}, rejected: {} };
    throw new PipelineError(ErrorCode.IO, `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const doc = JSON.parse(text) as Partial<LedgerDoc>;
    if (typeof doc.sent !== 'object' || doc.sent === null) throw new Error('field "sent" is missing');
    return { runId, sent: { ...doc.sent }, rejected: { ...(doc.rejected ?? {}) } };
  } catch (err) {
    // Refuse rather than guess: treating a damaged ledger as empty could notify everyone again.
    throw new PipelineError(ErrorCode.INPUT_INVALID, `${file}: unreadable notification ledger (${(err as Error).message}); fix or remove it to send again`, { cause: err });
  }
}

export async function openLedger(runDir: string, runId: string): Promise<Ledger> {
  const file = join(runDir, LEDGER_FILE);
  const doc = await load(file, runId);
  let writes: Promise<void> = Promise.resolve();
  const persist = () => {
    const next = writes.then(() => writeJsonAtomic(file, doc));
    writes = next.catch(() => undefined);
    return next;
  };
  return {
    file,
    entry: (r) => doc.sent[r],
    rejected: (r) => doc.rejected[r],
    recordSent(r, entry) {
      doc.sent[r] = entry;
      delete doc.rejected[r];
      return persist();
    },
    recordRejected(r, entry) {
      doc.rejected[r] = entry;
      return persist();
    },
  };
}
