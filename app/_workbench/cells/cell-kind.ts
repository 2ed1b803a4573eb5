// What the workbench needs from one kind of notebook cell: its label, how a new one starts, what Run does with
// it, and its editor. One folder per kind (./<kind>/index.tsx) exports one of these; ./registry.ts lists them
// against the kinds in server/notebooks/cell-kinds.ts, where the kind's file format also lives.

import type { ComponentType } from 'react';
import type { NotebookCell, RunTarget } from '@/server/notebooks/types';
import type { CellFrameControls } from '../notebook/cell-frame';
import type { CellRunner } from '../notebook/use-cell-runner';

/** A query the cell runner runs for a cell: the SQL (parameters not yet filled in), where, and its result name. */
export interface CellQuery {
  sql: string;
  runOn: RunTarget;
  name?: string;
}

export interface CellEditorProps {
  cell: NotebookCell;
  /** Position, move and delete: passed on to the CellFrame the editor renders itself in. */
  frame: CellFrameControls;
  onChange(cell: NotebookCell): void;
  runner: CellRunner;
  /** Runs this cell once the notebook has re-rendered, so the run sees a change made just before. */
  runWhenRendered(): void;
  /** The caller may only read this notebook: the editor shows the cell without letting it change. */
  readOnly: boolean;
}

export interface CellKindUi {
  /** Shown on the cell's badge and on its "+" button. */
  label: string;
  /** A new cell of this kind; `cells` are the notebook's current ones (for fresh names). */
  create(id: string, cells: readonly NotebookCell[], source: string): NotebookCell;
  /** What Run (and Run all) runs for the cell; null when the kind does not run or the cell is empty. */
  toQuery(cell: NotebookCell): CellQuery | null;
  Editor: ComponentType<CellEditorProps>;
}
