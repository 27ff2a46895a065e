/**
 * execute_cloudwatchLog_injetion: one ingestion service whatever the source. Each source type maps
 * to its reader here; a new source is one more entry in `READERS`.
 */
import type { IngestInput, IngestOutput } from '../../contracts.js';
import type { LogSource } from '../../config/settings-types.js';
import type { ServiceContext } from '../context.js';
import { ErrorCode, PipelineError } from '../../errors.js';
import { ingestFiles } from './file.js';

type Reader<T extends LogSource['type']> = (input: IngestInput & { source: Extract<LogSource, { type: T }> }, ctx: ServiceContext) => Promise<IngestOutput>;

const READERS: { readonly [T in LogSource['type']]?: Reader<T> } = {
  file: ingestFiles,
  // cloudwatch: loaded lazily so the AWS SDK is only imported by runs that read CloudWatch.
  cloudwatch: async (input, ctx) => (await import('./cloudwatch.js')).ingestCloudWatch(input, ctx),
};

export async function ingestLogs(input: IngestInput, ctx: ServiceContext): Promise<IngestOutput> {
  const reader = READERS[input.source.type] as Reader<LogSource['type']> | undefined;
  if (!reader) {
    throw new PipelineError(ErrorCode.SETTINGS_INVALID, `source.type "${String((input.source as { type: unknown }).type)}" is not supported`);
  }
  const out = await reader(input, ctx);
  // Zero events looks like a quiet, healthy window and is usually broken log shipping: say so.
  if (out.lines === 0 && input.source.allowEmpty !== true) {
    throw new PipelineError(ErrorCode.NOT_FOUND, `no log events in the window (${out.source}); if an empty window is normal here, set source.allowEmpty: true`, { retryable: false });
  }
  if (out.lines === 0) ctx.log.warn('no log events in the window (source.allowEmpty is set)', { source: out.source });
  return out;
}
