/**
 * How a webhook URL is printed anywhere (logs, events, run.json, errors): scheme and host only.
 * Unlike other URLs its path is often the credential (Slack's /services/T…/B…/<token>), so the
 * path goes too; the env var name in the config says which webhook it is.
 */
export function redactWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '<invalid url>';
  }
}
