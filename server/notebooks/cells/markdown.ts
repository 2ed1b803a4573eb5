// Markdown cells in the file: comment lines, so the file stays valid SQL; an empty line is a bare `--`.

import type { CellFormat } from './cell-format';

export const markdownCellFormat: CellFormat<'markdown'> = {
  kind: 'markdown',
  writeAttributes() {
    return [];
  },
  readAttributes() {
    return {};
  },
  writeBody(source) {
    return source.split('\n').map((line) => (line === '' ? '--' : `-- ${line}`));
  },
  readLine(line) {
    return line === '--' ? '' : line.replace(/^-- ?/, '');
  },
};
