// Notebook shapes shared by the store, the API and (as types only) the browser.

import type { CellKind } from './cell-kinds';
import type { ParameterDef } from './parameter-types';
import type { CellDisplay, ChartSettings } from './chart-settings';

export type { CellKind };
/** Where a SQL cell runs: Auto lets the workbench choose per run (app/_workbench/engine/placement.ts). */
export type RunTarget = 'auto' | 'browser' | 'server';

export interface NotebookCell {
  /** Stable id within the notebook (keys, anchors). */
  id: string;
  kind: CellKind;
  /** SQL cells: the name later cells select this cell's result by. */
  name?: string;
  /** SQL cells: where the cell runs; absent reads as Auto. */
  runOn?: RunTarget;
  /** Shown folded to its first line in the workbench (any kind); `collapsed=1` on the cell's marker. */
  collapsed?: boolean;
  /** SQL cells: what the result shows first (the grid when absent). */
  display?: CellDisplay;
  /** SQL cells: the saved chart (chart-settings.ts), drawn the same in the editor and in a report. */
  chart?: ChartSettings;
  source: string;
}

export interface Notebook {
  id: string;
  title: string;
  /** Typed parameters, bound into SQL as {{name}} (./parameters.ts); their values come from the run, not the file. */
  parameters: ParameterDef[];
  cells: NotebookCell[];
}

export interface NotebookSummary {
  id: string;
  title: string;
  updatedAt: number;
  cellCount: number;
}
