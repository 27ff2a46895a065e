/** The real implementation of every step, as the composition root plugs them in by name. */
import type { Services } from '../contracts.js';
import { analyzeReport } from './analyze-report.js';
import { executeLogAnomaly } from './detect.js';
import { downloadConfig } from './download-config.js';
import { ingestLogs } from './ingest/index.js';
import { installPackages } from './install-packages.js';
import { sendNotificationEmails } from './send-emails.js';
import { sendWebhooks } from './send-webhooks.js';
import { uploadReport } from './upload/index.js';

export const defaultServices: Services = {
  installPackages,
  ingestLogs,
  downloadConfig,
  executeLogAnomaly,
  analyzeReport,
  sendNotificationEmails,
  sendWebhooks,
  uploadReport,
};
