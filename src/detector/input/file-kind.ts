/**
 * What a log file's first bytes say it is. Inputs follow one rule everywhere (run, detect, parse,
 * baselines): text is read, gzip is decompressed whatever the file is called (the magic bytes
 * decide, not `.gz`), and anything else (other compressions, archives, binary files) is an error
 * that names the file and says what to do, never a stream of garbage lines or a silent skip.
 */
import { ErrorCode, PipelineError } from '../../errors.js';

/** Bytes looked at: enough for the tar header's magic (offset 257) and a fair share of text. */
export const SNIFF_BYTES = 8192;

const starts = (b: Buffer, ...bytes: number[]) => bytes.every((x, i) => b[i] === x);

interface Unsupported {
  readonly what: string;
  /** What to run instead; `{file}` is the file's path. */
  readonly hint: string;
}

/** Compressions and archives by their magic bytes (file(1)'s rules, the common ones). */
function unsupportedCompression(b: Buffer): Unsupported | null {
  if (starts(b, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return { what: 'xz-compressed', hint: 'decompress it first: xz -dk {file}' };
  if (starts(b, 0x28, 0xb5, 0x2f, 0xfd)) return { what: 'zstd-compressed', hint: 'decompress it first: zstd -d {file}' };
  if (starts(b, 0x42, 0x5a, 0x68) && b[3] >= 0x31 && b[3] <= 0x39 && starts(b.subarray(4), 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)) {
    return { what: 'bzip2-compressed', hint: 'decompress it first: bzip2 -dk {file}' };
  }
  if (starts(b, 0x50, 0x4b) && (starts(b.subarray(2), 0x03, 0x04) || starts(b.subarray(2), 0x05, 0x06) || starts(b.subarray(2), 0x07, 0x08))) {
    return { what: 'a zip archive', hint: 'extract it first (unzip {file}) and point at the extracted log files' };
  }
  if (starts(b, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return { what: 'a 7z archive', hint: 'extract it first (7z x {file}) and point at the extracted log files' };
  if (starts(b, 0x04, 0x22, 0x4d, 0x18)) return { what: 'lz4-compressed', hint: 'decompress it first: lz4 -d {file}' };
  return null;
}

const isTar = (b: Buffer) => b.length >= 262 && b.toString('latin1', 257, 262) === 'ustar';

/** NUL bytes, or more than a tenth control bytes / a third undecodable UTF-8: not a text log. */
function binaryReason(b: Buffer): string | null {
  if (b.length === 0) return null;
  if (b.includes(0)) return 'NUL bytes';
  let controls = 0;
  for (const x of b) if ((x < 0x20 && x !== 9 && x !== 10 && x !== 12 && x !== 13 && x !== 27) || x === 0x7f) controls++;
  if (controls * 10 > b.length) return 'mostly control characters';
  // a cut multi-byte character at the end of the block is not evidence
  const text = b.toString('utf8', 0, Math.max(0, b.length - 3));
  let bad = 0;
  for (const c of text) if (c === '\uFFFD') bad++;
  if (bad * 3 > text.length) return 'mostly bytes that are not UTF-8 text';
  return null;
}

function inputError(file: string, what: string, hint: string): PipelineError {
  return new PipelineError(ErrorCode.INPUT_INVALID, `${file}: ${what}, which is not read as a log: ${hint.replace('{file}', file)}`, {
    retryable: false,
    details: { file, kind: what },
  });
}

/** Gzip is decompressed; plain text is read as it is; everything else throws (INPUT_INVALID, exit 2). */
export function classifyHead(file: string, head: Buffer): 'gzip' | 'text' {
  if (starts(head, 0x1f, 0x8b)) return 'gzip';
  assertText(file, head, false);
  return 'text';
}

/** The first block of what will be read as lines (after gzip, if any) must be text. */
export function assertText(file: string, head: Buffer, gzipped: boolean): void {
  const block = head.subarray(0, SNIFF_BYTES);
  if (isTar(block)) {
    throw inputError(file, gzipped ? 'a gzip-compressed tar archive' : 'a tar archive', `extract it first (tar -x${gzipped ? 'z' : ''}f {file}) and point at the extracted log files`);
  }
  const packed = unsupportedCompression(block);
  if (packed) throw inputError(file, gzipped ? `gzip-compressed and ${packed.what} inside` : packed.what, packed.hint);
  if (gzipped && starts(block, 0x1f, 0x8b)) throw inputError(file, 'gzip-compressed twice', 'decompress it once first: gzip -dc {file} > plain.gz');
  const binary = binaryReason(block);
  if (binary) {
    throw inputError(file, `${gzipped ? 'gzip-compressed ' : ''}binary data (${binary} in its first ${block.length} bytes${gzipped ? ' after decompression' : ''})`, 'point at text log files (plain or gzip)');
  }
}
