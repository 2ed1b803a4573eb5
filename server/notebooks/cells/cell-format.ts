// How one kind of notebook cell is written to and read from the notebook's .sql file (see notebook-format.ts for
// the file as a whole). Each kind has one module in this folder; cell-kinds.ts lists them.

import type { NotebookCell } from '../types';

export interface CellFormat<Kind extends string = string> {
  kind: Kind;
  /** Marker attributes after `id=…`, e.g. `['name=recent', 'run=browser']`. */
  writeAttributes(cell: NotebookCell): string[];
  /** The kind's fields read back from the marker's attributes; unknown or malformed values are left out. */
  readAttributes(attributes: Record<string, string>): Partial<NotebookCell>;
  /** The body's lines in the file, from the cell's source with trailing white space removed. */
  writeBody(source: string): string[];
  /** One line of the file back to one line of the cell's source. */
  readLine(line: string): string;
}

/** Cell names are SQL identifiers (later cells select a result by its name). */
export const CELL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
