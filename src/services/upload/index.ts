/**
 * upload_report: one entry point over the upload backends, chosen by `upload.type`.
 *
 * Adding a backend (e.g. `s3`) is one import and one `case` in `uploaderFor`: the backend exports
 * a factory `(settings) => Uploader` (./types.ts) and owns everything else, including how it plans
 * the report's URI before the upload.
 */
import type { UploadInput, UploadOutput } from '../../contracts.js';
import type { UploadSettings } from '../../config/settings-types.js';
import type { ServiceContext } from '../context.js';
import { ErrorCode, PipelineError, throwIfAborted } from '../../errors.js';
import { localUploader } from './local.js';
import { httpUploader } from './http.js';
import type { Uploader } from './types.js';

export type { Uploader } from './types.js';

export function uploaderFor(upload: UploadSettings): Uploader {
  switch (upload.type) {
    case 'local':
      return localUploader(upload);
    case 'http':
      return httpUploader(upload);
    case 's3': {
      // loaded lazily: the AWS SDK is only imported by runs that upload to S3
      const s3 = () => import('./s3.js');
      return {
        plannedUri: async (runId) => (await s3()).plannedS3Uri(upload, runId),
        upload: async (input, ctx) => (await s3()).uploadToS3({ ...input, upload }, ctx),
      };
    }
    default:
      throw new PipelineError(ErrorCode.SETTINGS_INVALID, `upload.type ${JSON.stringify((upload as { type: string }).type)} is not supported by this build`, { retryable: false });
  }
}

/** The URI report.html will have after upload (report.json, written before the upload, names it). */
export async function plannedReportUri(upload: UploadSettings, runId: string, baseDir: string): Promise<string | undefined> {
  return uploaderFor(upload).plannedUri(runId, baseDir);
}

export async function uploadReport(input: UploadInput, ctx: ServiceContext): Promise<UploadOutput> {
  throwIfAborted(ctx.signal, 'upload_report');
  if (input.artifacts.length === 0) throw new PipelineError(ErrorCode.INPUT_INVALID, 'upload_report: no artifacts to upload');
  return uploaderFor(input.upload).upload(input, ctx);
}
