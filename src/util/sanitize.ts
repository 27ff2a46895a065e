/**
 * Log text is untrusted. Before it reaches a terminal, strip ANSI/OSC escape sequences and C0/C1
 * control characters so a log line can never move the cursor, retitle the window or clear the
 * screen. Before it reaches HTML, escape it.
 */
// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other ESC sequences, and 8-bit CSI/OSC.
// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is this regex's job
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[@-Z\\-_]?|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007]*\u0007?/g;
// C0 except tab, DEL, C1; also bidi overrides that can disguise text.
// eslint-disable-next-line no-control-regex -- matching control characters is this regex's job
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeForTerminal(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, (c) => (c === '\n' || c === '\r' ? ' ' : '\uFFFD')).replace(/\t/g, '  ');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return sanitizeForTerminal(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Cut to `max` display characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}
