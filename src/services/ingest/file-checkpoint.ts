/**
 * Mid-ingest checkpoints for `source.type: file`. Ingestion appends events to a partial file under
 * runs/<run_id>/state/ingest/ and, every CHECKPOINT_EVERY_MS, syncs it and saves atomically where it
 * stands: which file, the byte offset after the last line read, the partial file's length, every
 * counter of the output and the multi-line joiner's open event. A later attempt (a step retry, or
 * `run --resume` after a kill) truncates the partial file to that length and reads on from that
 * offset, so its events.ndjson is byte for byte the one an uninterrupted run writes.
 *
 * A checkpoint is used only when the files still have the size and mtime they had (a log that grew
 * or was rotated in between starts over), and the partial file holds at least the recorded length.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IngestInput } from '../../contracts.js';
import type { FormatStats, JoinerState } from '../../detector/format/index.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { formatEvent, type NormalizedEvent } from './events-writer.js';

/** Under the run's `state/` folder (run-state.ts): a fresh execution of the run id clears it. */
export const INGEST_STATE_DIR = join('state', 'ingest');
const CHECKPOINT_FILE = 'file-checkpoint.json';
const PARTIAL_FILE = 'events.ndjson.partial';

/** How often ingestion saves a checkpoint (`LOG_ANOMALY_INGEST_CHECKPOINT_MS`; tests shorten it). */
export const CHECKPOINT_EVERY_MS = 2_000;

/** Read by the composition root only (runtime.ts), which hands the interval to ingestion in its input. */
export function checkpointIntervalFrom(env: NodeJS.ProcessEnv): number {
  const n = Number(env.LOG_ANOMALY_INGEST_CHECKPOINT_MS);
  return env.LOG_ANOMALY_INGEST_CHECKPOINT_MS !== undefined && Number.isFinite(n) && n >= 0 ? n : CHECKPOINT_EVERY_MS;
}

export interface FileCheckpoint {
  readonly v: 1;
  readonly fingerprint: string;
  /** Index (in the resolved file list) of the file being read, and where its next line starts. */
  readonly fileIndex: number;
  readonly offset: number;
  readonly lineNo: number;
  /** Bytes read from the files before this one (progress and the output's `bytes`). */
  readonly bytesBefore: number;
  /** Lines cut to the line cap: in the files before this one, and in this one so far. */
  readonly truncatedBefore: number;
  readonly truncated: number;
  /** Length of the partial events file that holds every event emitted so far. */
  readonly eventsBytes: number;
  readonly lines: number;
  readonly unparsed: number;
  readonly from: number | null;
  readonly to: number | null;
  readonly streams: readonly string[];
  readonly stats: FormatStats;
  readonly joiner: JoinerState;
}

export const ingestStateDir = (runDir: string) => join(runDir, INGEST_STATE_DIR);
const checkpointPath = (runDir: string) => join(ingestStateDir(runDir), CHECKPOINT_FILE);
export const partialPath = (runDir: string) => join(ingestStateDir(runDir), PARTIAL_FILE);

/** What must not change for a checkpoint to apply: the input settings and each file's size and mtime. */
export async function inputFingerprint(input: IngestInput, files: readonly string[]): Promise<string> {
  const stamps = [];
  for (const f of files) {
    const s = await stat(f);
    stamps.push([f, s.size, s.mtimeMs]);
  }
  const what = JSON.stringify({ v: 1, source: input.source, format: input.format, baseDir: input.baseDir, files: stamps });
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

/**
 * The checkpoint to resume from, or undefined (none, torn, another input, or its partial file is
 * shorter than it says). Anything unusable is removed so the attempt starts clean.
 */
export async function loadFileCheckpoint(runDir: string, fingerprint: string): Promise<FileCheckpoint | undefined> {
  let ck: FileCheckpoint | undefined;
  try {
    ck = JSON.parse(await readFile(checkpointPath(runDir), 'utf8')) as FileCheckpoint;
  } catch {
    ck = undefined;
  }
  if (ck?.v === 1 && ck.fingerprint === fingerprint && Number.isInteger(ck.eventsBytes)) {
    const size = await stat(partialPath(runDir)).then((s) => s.size, () => -1);
    if (size >= ck.eventsBytes) return ck;
  }
  await clearFileCheckpoint(runDir);
  return undefined;
}

export async function saveFileCheckpoint(runDir: string, ck: FileCheckpoint): Promise<void> {
  await writeJsonAtomic(checkpointPath(runDir), ck);
}

export async function clearFileCheckpoint(runDir: string): Promise<void> {
  await rm(checkpointPath(runDir), { force: true });
  await rm(partialPath(runDir), { force: true });
}

export interface PartialEventsWriter {
  write(e: NormalizedEvent): void;
  /** Awaits the disk when the buffer is large (call once per batch). */
  flush(): Promise<void>;
  /** Writes everything buffered and syncs it: the returned length is safe to record in a checkpoint. */
  sync(): Promise<number>;
  /** Syncs, closes and renames the partial file to `target`, then forgets the checkpoint. */
  commit(target: string): Promise<void>;
  /** Closes, keeping the partial file and the last checkpoint for a later attempt. */
  close(): Promise<void>;
}

const FLUSH_AT = 256 * 1024;

/** The partial events file, new, or cut back to `resumeAt` bytes (a checkpoint's `eventsBytes`). */
export async function openPartialEvents(runDir: string, resumeAt: number | null): Promise<PartialEventsWriter> {
  const path = partialPath(runDir);
  await mkdir(ingestStateDir(runDir), { recursive: true });
  const fh: FileHandle = await open(path, resumeAt === null ? 'w' : 'r+');
  let length = 0;
  if (resumeAt !== null) {
    await fh.truncate(resumeAt);
    length = resumeAt;
  }
  let buffer = '';
  let closed = false;
  const drain = async () => {
    if (buffer.length === 0) return;
    const chunk = Buffer.from(buffer, 'utf8');
    buffer = '';
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await fh.write(chunk, done, chunk.length - done, length + done);
      done += bytesWritten;
    }
    length += chunk.length;
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  return {
    write(e) {
      buffer += formatEvent(e);
    },
    async flush() {
      if (buffer.length >= FLUSH_AT) await drain();
    },
    async sync() {
      await drain();
      await fh.datasync();
      return length;
    },
    async commit(target) {
      await drain();
      await fh.datasync();
      await close();
      await rename(path, target);
      await rm(checkpointPath(runDir), { force: true });
      // an empty folder left behind would only puzzle whoever lists the run
      await rmdir(ingestStateDir(runDir)).catch(() => undefined);
      await rmdir(dirname(ingestStateDir(runDir))).catch(() => undefined);
    },
    close,
  };
}
