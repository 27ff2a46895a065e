/** Small, pure formatters for the TUI (durations, counts, bars, sparklines). */

/** `850ms`, `4.2s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Elapsed wall clock for the header: `00:42`, `12:05`, `1:02:03`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A quantity in its unit: bytes get binary units, everything else a grouped count. */
export function formatQuantity(n: number, unit: string): string {
  return unit === 'bytes' ? formatBytes(n) : `${formatCount(n)} ${unit}`;
}

/** `[██████░░░░]` of `width` cells (including the brackets). */
export function progressBar(current: number, total: number, width: number): string {
  const inner = Math.max(1, width - 2);
  const ratio = total > 0 ? Math.min(1, Math.max(0, current / total)) : 0;
  const full = Math.round(ratio * inner);
  return `[${'█'.repeat(full)}${'░'.repeat(inner - full)}]`;
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * Fits a histogram of any length into `width` columns and draws it as block characters. Each
 * column shows the MEAN of the buckets it covers (a column is anomalous when any of them is):
 * when the bucket count is not a multiple of the width, columns cover n or n+1 buckets, and sums
 * would draw that alternation as a comb over flat traffic.
 */
export function sparkline(
  counts: readonly number[],
  anomalous: readonly boolean[],
  width: number,
  maxRepeat = 1,
): { readonly bars: string; readonly marks: string } {
  if (counts.length === 0 || width <= 0) return { bars: '', marks: '' };
  // Few buckets on a wide screen: draw each bucket several columns wide so the shape reads.
  const repeat = Math.max(1, Math.min(maxRepeat, Math.floor(width / counts.length)));
  if (repeat > 1) {
    const one = sparkline(counts, anomalous, counts.length);
    const widen = (s: string) => Array.from(s.padEnd(counts.length)).map((c) => c.repeat(repeat)).join('');
    return { bars: widen(one.bars), marks: widen(one.marks).trimEnd() };
  }
  const cols = Math.min(width, counts.length);
  const sums = new Array<number>(cols).fill(0);
  const sizes = new Array<number>(cols).fill(0);
  const flags = new Array<boolean>(cols).fill(false);
  counts.forEach((c, i) => {
    const col = Math.min(cols - 1, Math.floor((i * cols) / counts.length));
    sums[col] += c;
    sizes[col] += 1;
    flags[col] = flags[col] || (anomalous[i] ?? false);
  });
  for (let col = 0; col < cols; col++) sums[col] /= Math.max(1, sizes[col]);
  let max = 0;
  for (const v of sums) max = Math.max(max, v);
  const bars = sums.map((s) => (max <= 0 ? BLOCKS[0] : BLOCKS[Math.min(7, Math.floor((s / max) * 7.999))])).join('');
  const marks = flags.map((f) => (f ? '▲' : ' ')).join('').trimEnd();
  return { bars, marks };
}

/**
 * Paths as a person near them reads them: under the working directory relative to it, under the
 * home directory with `~`. Screens and screenshots then show no machine-specific prefix.
 */
export function displayPath(text: string, cwd = process.cwd(), home = process.env.HOME ?? ''): string {
  let out = text;
  if (cwd.length > 1) out = out.split(`file://${cwd}/`).join('').split(`${cwd}/`).join('');
  if (home.length > 1) out = out.split(`file://${home}/`).join('~/').split(`${home}/`).join('~/');
  return out;
}
