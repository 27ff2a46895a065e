/**
 * What every upload backend implements. The dispatcher in ./index.ts picks one by `upload.type`;
 * a new backend is one file exporting a factory of this shape plus one `case` there.
 */
import type { UploadInput, UploadOutput } from '../../contracts.js';
import type { ServiceContext } from '../context.js';

export interface Uploader {
  /**
   * The URI report.html WILL have once uploaded, known before the upload (report.json, written
   * before the upload, names it; the email links the upload's output). Undefined when unknown.
   */
  plannedUri(runId: string, baseDir: string): Promise<string | undefined>;
  upload(input: UploadInput, ctx: ServiceContext): Promise<UploadOutput>;
}

/** An artifact resolved inside the run directory. */
export interface ArtifactFile {
  /** Relative name with forward slashes, e.g. `report.html`, `emails/1-a@b.eml`. */
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly contentType: string;
}
