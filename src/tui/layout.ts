/**
 * How many rows each pane gets. Ink redraws the whole screen (and flickers) when a frame is as
 * tall as the terminal, so every frame stays at least one row shorter than the terminal.
 */
export interface Layout {
  readonly columns: number;
  /** Rows under the tree for progress + logs, the summary, details or help. */
  readonly lower: number;
  /** Width of the tree's name column (branch + glyph + name). */
  readonly nameWidth: number;
  readonly statusWidth: number;
}

export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 1;
const DURATION_WIDTH = 7;
const KIND_WIDTH = 5;

export function computeLayout(columns: number, rows: number, treeRows: number): Layout {
  const usable = Math.max(20, columns - 1);
  const statusWidth = usable >= 79 ? 24 : 16;
  const nameWidth = Math.max(12, usable - 1 - KIND_WIDTH - statusWidth - DURATION_WIDTH - 3);
  const lower = Math.max(3, rows - 1 - HEADER_ROWS - treeRows - FOOTER_ROWS);
  return { columns: usable, lower, nameWidth, statusWidth };
}

export const layoutWidths = { duration: DURATION_WIDTH, kind: KIND_WIDTH } as const;
