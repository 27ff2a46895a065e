/**
 * How many rows each pane gets. Ink redraws the whole screen (and flickers) when a frame is as
 * tall as the terminal, so every frame stays at least one row shorter than the terminal.
 *
 * Down to 80x24 the screen degrades in this order: the log pane shrinks first (it takes what the
 * tree and the progress bars leave), then the step tree folds to the steps that need eyes, so the
 * lower pane keeps the rows it wants (on the final screen: the counts and the top incidents).
 */
export interface Layout {
  readonly columns: number;
  /** Rows under the tree for progress + logs, the summary, details or help. */
  readonly lower: number;
  /** The tree is folded (see components/step-tree/fold-steps.ts). */
  readonly folded: boolean;
  /** Width of the tree's name column (branch + glyph + name). */
  readonly nameWidth: number;
  readonly statusWidth: number;
}

export interface LayoutNeeds {
  /** Rows of the whole tree and of the folded one. */
  readonly treeRows: number;
  readonly foldedTreeRows: number;
  /** Rows the lower pane wants; the tree folds when the whole tree would leave fewer. */
  readonly wanted: number;
  /** The final screen: one row more stays free for the shell's prompt. */
  readonly over: boolean;
}

export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 1;
/** The log pane's title and two lines: below this the tree folds rather than the logs vanish. */
export const MIN_LOG_ROWS = 3;
const DURATION_WIDTH = 7;
const KIND_WIDTH = 5;

/** The frame's width: one column short of the terminal's, so a full line never wraps. */
export function usableColumns(columns: number): number {
  return Math.max(20, columns - 1);
}

export function computeLayout(columns: number, rows: number, needs: LayoutNeeds): Layout {
  const usable = usableColumns(columns);
  const statusWidth = usable >= 79 ? 24 : 16;
  const nameWidth = Math.max(12, usable - 1 - KIND_WIDTH - statusWidth - DURATION_WIDTH - 3);
  const budget = rows - 1 - HEADER_ROWS - FOOTER_ROWS - (needs.over ? 1 : 0);
  const folded = budget - needs.treeRows < needs.wanted && needs.foldedTreeRows < needs.treeRows;
  const lower = Math.max(3, budget - (folded ? needs.foldedTreeRows : needs.treeRows));
  return { columns: usable, lower, folded, nameWidth, statusWidth };
}

export const layoutWidths = { duration: DURATION_WIDTH, kind: KIND_WIDTH } as const;
