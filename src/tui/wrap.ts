/**
 * Word wrap that says where each line starts in the source text. The layout counts the rows a
 * wrapped line takes before Ink draws it (so the frame stays shorter than the terminal), and the
 * summary colours the part of each line that belongs to the run's outcome.
 */
export interface WrappedLine {
  readonly text: string;
  /** Index (in characters, not UTF-16 units) of the line's first character in the source. */
  readonly start: number;
}

/**
 * Breaks at `separator` (dropped at the break) when one falls in the second half of the line, else
 * at a space; a word longer than the width is cut hard. Never returns an empty list.
 */
export function wrapText(text: string, width: number, separator = ' · '): WrappedLine[] {
  const chars = Array.from(text);
  const sep = Array.from(separator);
  const w = Math.max(1, width);
  const lines: WrappedLine[] = [];
  let start = 0;
  const sepAt = (i: number) => sep.length > 0 && sep.every((c, k) => chars[i + k] === c);
  while (chars.length - start > w) {
    let at = -1;
    for (let i = start + w; i > start + w / 2; i--) {
      if (sepAt(i)) {
        at = i;
        break;
      }
    }
    if (at !== -1) {
      lines.push({ text: chars.slice(start, at).join(''), start });
      start = at + sep.length;
      continue;
    }
    let cut = -1;
    for (let i = start + w; i > start; i--) {
      if (chars[i] === ' ') {
        cut = i;
        break;
      }
    }
    if (cut === -1) {
      lines.push({ text: chars.slice(start, start + w).join(''), start });
      start += w;
    } else {
      lines.push({ text: chars.slice(start, cut).join('').trimEnd(), start });
      start = cut + 1;
      while (chars[start] === ' ' && chars.length - start > 0) start++;
    }
  }
  lines.push({ text: chars.slice(start).join(''), start });
  return lines;
}
