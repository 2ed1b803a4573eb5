// The workbench side of each notebook cell kind. Keyed by the one list of kinds in server/notebooks/cell-kinds.ts,
// so the type checker refuses a kind without its UI here.

import { CELL_KINDS, type CellKind } from '@/server/notebooks/cell-kinds';
import type { CellKindUi } from './cell-kind';
import { markdownCellKind } from './markdown';
import { sqlCellKind } from './sql';

export const CELL_KIND_UI: { readonly [Kind in CellKind]: CellKindUi } = {
  sql: sqlCellKind,
  markdown: markdownCellKind,
};

/** Kinds in the order their "+" buttons appear. */
export const CELL_KIND_ORDER: readonly CellKind[] = CELL_KINDS;
