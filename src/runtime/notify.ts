/**
 * The composition root's part of the webhooks: the environment is read here and nowhere else.
 * The config step checks every webhook's variables as soon as the config is loaded (a run fails at
 * download_config_yaml naming file:line and the variable, not after detection); the notification
 * step gets each URL and secret at send time, never through the machine (its context is saved to
 * disk for resume, and a secret must not be).
 */
import type { DownloadConfigInput, DownloadConfigOutput, EmailInput, EmailOutput, Services } from '../contracts.js';
import { checkWebhookEnv, resolveWebhookEndpoint, type Env } from '../config/webhook-env.js';
import type { ServiceContext } from '../services/context.js';
import { sendNotifications } from '../services/send-notifications.js';

export function withWebhookEnvCheck(download: Services['downloadConfig'], env: Env) {
  return async (input: DownloadConfigInput, ctx: ServiceContext): Promise<DownloadConfigOutput> => {
    const out = await download(input, ctx);
    checkWebhookEnv(out.config, env, out.origin);
    return out;
  };
}

export function notifyAllChannels(services: Pick<Services, 'sendNotificationEmails' | 'sendWebhooks'>, env: Env) {
  return (input: EmailInput, ctx: ServiceContext): Promise<EmailOutput> =>
    sendNotifications(input, ctx, {
      emails: services.sendNotificationEmails,
      webhooks: services.sendWebhooks,
      endpoint: (route) => resolveWebhookEndpoint(route, env),
    });
}
