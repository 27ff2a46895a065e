/**
 * The run screen: header, the DAG, and one lower pane (progress + logs while running, the
 * summary at the end, or a step's details / the help on request). It renders state and never
 * produces it: everything comes from `events$`.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, useApp } from 'ink';
import type { Observable } from 'rxjs';
import type { BusEvent } from '../bus/events.js';
import { useRunView } from './use-run-view.js';
import { useKeys } from './use-keys.js';
import { useNow, useTerminalSize } from './use-terminal.js';
import { initialUiState, reduceUi, type Intent, type UiState } from './ui-state.js';
import { isRunOver } from './run-view.js';
import { computeLayout, HEADER_ROWS, FOOTER_ROWS, MIN_LOG_ROWS, usableColumns } from './layout.js';
import { planSummary, wantedSummaryRows } from './summary-plan.js';
import { foldSteps } from './components/step-tree/fold-steps.js';
import { createTheme, ThemeContext } from './theme.js';
import { Header } from './components/header.js';
import { StepTree } from './components/step-tree/step-tree.js';
import { ProgressPane, activeProgress } from './components/progress-pane.js';
import { LogPane } from './components/log-pane.js';
import { Summary } from './components/summary.js';
import { StepDetails, detailLines } from './components/step-details.js';
import { Help, helpLines } from './components/help.js';
import { Footer } from './components/footer.js';

export interface RunTuiAppProps {
  readonly events$: Observable<BusEvent>;
  readonly mode: 'local' | 'remote';
  /** Local mode: the viewer confirmed a cancel (or forced one). */
  readonly onCancel: () => void;
  readonly noColor?: boolean;
  /** For tests: a fixed clock and no spinner animation make frames exact. */
  readonly clock?: () => number;
  readonly animate?: boolean;
  readonly fps?: number;
  /** Keep the final screen (with details and help) until q, instead of leaving when the run ends. */
  readonly holdFinal?: boolean;
  /** Keep the final screen until q when the run failed, so its error can be read. */
  readonly holdOnFailure?: boolean;
}

const systemClock = (): number => Date.now();
const MAX_PROGRESS_ROWS = 3;
const MAX_DETAIL_ROWS = 8;

export function RunTuiApp({ events$, mode, onCancel, noColor = false, clock = systemClock, animate = true, fps, holdFinal: holdAlways = false, holdOnFailure = false }: RunTuiAppProps) {
  const view = useRunView(events$, fps);
  const over = isRunOver(view);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const holdFinal = holdAlways || (holdOnFailure && (view.status === 'failed' || view.streamEnded !== undefined));
  const now = useNow(clock, !over && view.status !== 'waiting');
  const theme = useMemo(() => createTheme(noColor), [noColor]);

  const [ui, setUi] = useState<UiState>(initialUiState);
  const uiRef = useRef(ui);
  const ctxRef = useRef({ mode, stepCount: view.steps.length, runOver: over });
  ctxRef.current = { mode, stepCount: view.steps.length, runOver: over };
  const onCancelRef = useRef(onCancel);
  onCancelRef.current = onCancel;
  const onIntent = useCallback((intent: Intent) => {
    const r = reduceUi(uiRef.current, intent, ctxRef.current);
    uiRef.current = r.ui;
    setUi(r.ui);
    if (r.effect === 'cancel' || r.effect === 'force') onCancelRef.current();
  }, []);
  useKeys(onIntent);

  // The final screen stays on the terminal after unmount; leave once it has rendered (or, when
  // holding it, once the viewer presses q).
  useEffect(() => {
    if ((over && !holdFinal) || ui.leaving) exit();
  }, [over, holdFinal, ui.leaving, exit]);
  // A held final screen stays browsable: details and help work as during the run.
  const live = !over || (holdFinal && !ui.leaving);

  const progressRows = Math.min(MAX_PROGRESS_ROWS, activeProgress(view.steps).length);
  const showHelp = ui.showHelp && live;
  const showDetails = !showHelp && ui.showDetails && live;
  // What the lower pane wants beside the whole tree; below that the tree folds.
  let wanted: number;
  if (showHelp) wanted = helpLines(mode).length + 1;
  else if (showDetails) wanted = Math.min(MAX_DETAIL_ROWS, detailLines(view.steps[ui.selected], now).length + 1);
  else if (over) wanted = wantedSummaryRows(view, usableColumns(columns));
  else wanted = progressRows + (ui.showLogs ? MIN_LOG_ROWS : 0);
  const foldedTreeRows = foldSteps(view.steps, ui.selected).rows;
  const layout = computeLayout(columns, rows, { treeRows: view.steps.length, foldedTreeRows, wanted, over });
  let lower;
  if (showHelp) lower = <Help mode={mode} width={layout.columns} />;
  else if (showDetails) lower = <StepDetails step={view.steps[ui.selected]} now={now} width={layout.columns} rows={layout.lower} />;
  else if (over) lower = <Summary view={view} plan={planSummary(view, layout.columns, layout.lower)} width={layout.columns} />;
  else
    lower = (
      <>
        <ProgressPane steps={view.steps} width={layout.columns} maxRows={progressRows} />
        {ui.showLogs && <LogPane logs={view.logs} width={layout.columns} rows={layout.lower - progressRows} />}
      </>
    );

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={layout.columns}>
        <Box height={HEADER_ROWS}>
          <Header view={view} now={now} width={layout.columns} mode={mode} />
        </Box>
        <StepTree steps={view.steps} selected={ui.selected} now={now} layout={layout} animate={animate && !over} />
        {/* Fixed height while running keeps the frame steady; the final screen shrinks to fit. */}
        <Box flexDirection="column" height={over ? undefined : layout.lower} overflow="hidden">
          {lower}
        </Box>
        <Box height={FOOTER_ROWS}>
          <Footer view={view} ui={ui} mode={mode} over={over} holding={over && holdFinal && !ui.leaving} />
        </Box>
      </Box>
    </ThemeContext.Provider>
  );
}
