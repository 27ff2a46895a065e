/**
 * `<runDir>/notifications.json`: what this run sent, so a retried step or a re-executed run never
 * notifies anyone twice. Each SMTP message is recorded `sending` (atomic write, file and directory
 * fsynced) after the server accepted the envelope and the DATA command, before a byte of the
 * message goes out; and `sent` once the server answered 250. Writes are serialised because pooled
 * sends finish in any order.
 *
 * An entry still `sending` when the ledger is opened again is `unknown`: the process died between
 * the message and the ledger hearing the 250, so it may or may not have been delivered. It is not
 * sent again unless asked (`resendUnknown`), and then with the same Message-ID.
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PipelineError, errnoCode, messageOf } from '../../errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { jsonProblem } from '../../util/json-problem.js';

export const LEDGER_FILE = 'notifications.json';

export type DeliveryMode = 'smtp' | 'preview' | 'webhook';

/** `sending`: the message may be out, the 250 was not recorded. Absent (older ledgers): `sent`. */
export type DeliveryState = 'sending' | 'sent';

export interface LedgerEntry {
  readonly state?: DeliveryState;
  /** The Message-ID; for a webhook, its delivery id. */
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
  recordSending(recipient: string, entry: Omit<LedgerEntry, 'state'>): Promise<void>;
  recordSent(recipient: string, entry: Omit<LedgerEntry, 'state'>): Promise<void>;
  /** The server answered with a refusal after `sending`: nothing was delivered. */
  clearSending(recipient: string): Promise<void>;
  recordRejected(recipient: string, entry: RejectedEntry): Promise<void>;
}

/** sent | unknown (left `sending` by an earlier process) | undefined (never tried). */
export function deliveryOf(entry: LedgerEntry | undefined): 'sent' | 'unknown' | undefined {
  if (!entry) return undefined;
  return entry.state === 'sending' ? 'unknown' : 'sent';
}

/** The rename is durable only once the directory entry is on disk too. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function load(file: string, runId: string): Promise<LedgerDoc> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { runId, sent: {}, rejected: {} };
    throw new PipelineError(ErrorCode.IO, `cannot read ${file}: ${messageOf(err)}`, { cause: err });
  }
  try {
    const doc = JSON.parse(text) as Partial<LedgerDoc>;
    if (typeof doc.sent !== 'object' || doc.sent === null) throw new Error('field "sent" is missing');
    return { runId, sent: { ...doc.sent }, rejected: { ...(doc.rejected ?? {}) } };
  } catch (err) {
    // Refuse rather than guess: treating a damaged ledger as empty could notify everyone again.
    throw new PipelineError(ErrorCode.INPUT_INVALID, `${file}: unreadable notification ledger (${jsonProblem(err)}); fix or remove it to send again`, { cause: err });
  }
}

/** `name`: webhooks keep their own ledger (webhooks.json) so the two channels never rewrite each other's file. */
export async function openLedger(runDir: string, runId: string, name: string = LEDGER_FILE): Promise<Ledger> {
  const file = join(runDir, name);
  const doc = await load(file, runId);
  let writes: Promise<void> = Promise.resolve();
  const persist = () => {
    const snapshot = JSON.parse(JSON.stringify(doc)) as LedgerDoc;
    const next = writes.then(async () => {
      await writeJsonAtomic(file, snapshot);
      await syncDir(runDir);
    });
    writes = next.catch(() => undefined);
    return next;
  };
  return {
    file,
    entry: (r) => doc.sent[r],
    rejected: (r) => doc.rejected[r],
    recordSending(r, entry) {
      doc.sent[r] = { ...entry, state: 'sending' };
      return persist();
    },
    recordSent(r, entry) {
      doc.sent[r] = { ...entry, state: 'sent' };
      delete doc.rejected[r];
      return persist();
    },
    clearSending(r) {
      if (doc.sent[r]?.state !== 'sending') return Promise.resolve();
      delete doc.sent[r];
      return persist();
    },
    recordRejected(r, entry) {
      doc.rejected[r] = entry;
      return persist();
    },
  };
}
