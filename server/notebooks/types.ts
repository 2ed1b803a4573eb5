// Notebook shapes shared by the store, the API and (as types only) the browser.

import type { CellKind } from './cell-kinds';

export type { CellKind };
export type RunTarget = 'browser' | 'server';

export interface NotebookCell {
  /** Stable id within the notebook (keys, anchors). */
  id: string;
  kind: CellKind;
  /** SQL cells: the name later cells select this cell's result by. */
  name?: string;
  /** SQL cells: where the cell runs. */
  runOn?: RunTarget;
  /** Shown folded to its first line in the workbench (any kind); `collapsed=1` on the cell's marker. */
  collapsed?: boolean;
  source: string;
}

export interface Notebook {
  id: string;
  title: string;
  /** Values substituted for {{name}} in SQL. */
  parameters: Record<string, string>;
  cells: NotebookCell[];
}

export interface NotebookSummary {
  id: string;
  title: string;
  updatedAt: number;
  cellCount: number;
}
