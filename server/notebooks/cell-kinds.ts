// The one list of notebook cell kinds. The file format, the API's validation and the workbench's cell registry
// (app/_workbench/cells) all read it, and each keeps a record keyed by kind that the type checker holds complete:
// a new kind is one entry here, its format module in ./cells and its folder in app/_workbench/cells.
// Pure and free of server-only imports: the browser imports it too. (The API builds its zod enum from CELL_KINDS
// itself, so zod stays out of the workbench's browser bundle.)

import type { CellFormat } from './cells/cell-format';
import { markdownCellFormat } from './cells/markdown';
import { sqlCellFormat } from './cells/sql';

export const CELL_KINDS = ['sql', 'markdown'] as const;

export type CellKind = (typeof CELL_KINDS)[number];

/** How each kind is written to and read from the notebook file. */
export const CELL_FORMATS: { readonly [Kind in CellKind]: CellFormat<Kind> } = {
  sql: sqlCellFormat,
  markdown: markdownCellFormat,
};

export function isCellKind(value: string): value is CellKind {
  return (CELL_KINDS as readonly string[]).includes(value);
}
