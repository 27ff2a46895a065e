/**
 * The artifacts to upload, resolved and checked inside the run directory (a name can never
 * climb out of it), with their sizes and content types. Shared by every upload backend.
 */
import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, sep } from 'node:path';
import { ErrorCode, PipelineError, messageOf } from '../../errors.js';
import type { ArtifactFile } from './types.js';

export const REPORT_NAME = 'report.html';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.csv': 'text/csv; charset=utf-8',
  '.eml': 'message/rfc822',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

export function contentTypeFor(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export async function resolveArtifacts(runDir: string, names: readonly string[]): Promise<ArtifactFile[]> {
  const out: ArtifactFile[] = [];
  for (const raw of names) {
    const name = raw.replace(/\\/g, '/');
    const norm = normalize(name);
    if (name === '' || isAbsolute(name) || norm.split(sep).includes('..')) {
      throw new PipelineError(ErrorCode.INPUT_INVALID, `artifact name ${JSON.stringify(raw)} must be a relative path inside the run directory`);
    }
    const path = join(runDir, norm);
    let bytes: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('not a regular file');
      bytes = st.size;
    } catch (err) {
      throw new PipelineError(ErrorCode.NOT_FOUND, `artifact ${name} not found in ${runDir}: ${messageOf(err)}`, { cause: err });
    }
    out.push({ name, path, bytes, contentType: contentTypeFor(name) });
  }
  return out;
}

/** The uploaded report's URI: report.html's when it was uploaded, else the first file's. */
export function reportUriOf(files: readonly { name: string; uri: string }[]): string {
  const report = files.find((f) => f.name === REPORT_NAME) ?? files[0];
  if (!report) throw new PipelineError(ErrorCode.INPUT_INVALID, 'nothing to upload: the artifact list is empty');
  return report.uri;
}
