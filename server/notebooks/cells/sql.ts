// SQL cells in the file: plain SQL, so the file runs in any SQL tool. The marker carries the result's name and
// where the cell runs.

import { CELL_NAME, type CellFormat } from './cell-format';

export const sqlCellFormat: CellFormat<'sql'> = {
  kind: 'sql',
  writeAttributes(cell) {
    return [...(cell.name ? [`name=${cell.name}`] : []), `run=${cell.runOn ?? 'browser'}`];
  },
  readAttributes(attributes) {
    return {
      ...(attributes.name && CELL_NAME.test(attributes.name) ? { name: attributes.name } : {}),
      runOn: attributes.run === 'server' ? 'server' : 'browser',
    };
  },
  writeBody(source) {
    if (source === '') return [];
    // A line that looks like a marker would split the cell on reading; a space keeps it a comment.
    return source.split('\n').map((line) => (line.startsWith('-- %%') ? ` ${line}` : line));
  },
  readLine(line) {
    return line.startsWith(' -- %%') ? line.slice(1) : line;
  },
};
