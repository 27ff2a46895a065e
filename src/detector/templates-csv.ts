/** `templates.csv`: TemplateId,Template,Count (RFC 4180 quoting; templates hold commas and quotes). */
import type { TemplateInfo } from './miner/types.js';

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function templatesCsv(templates: readonly TemplateInfo[]): string {
  const rows = [...templates].sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  return ['TemplateId,Template,Count', ...rows.map((t) => `${csvField(t.id)},${csvField(t.template)},${t.count}`)].join('\n') + '\n';
}
