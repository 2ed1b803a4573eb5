// SQL cells in the file: plain SQL, so the file runs in any SQL tool. The marker carries the result's name, where
// the cell runs (auto, browser or server), and what it shows of its result: `display=chart` and the saved chart (`chart=…`,
// chart-settings.ts), so a reload or a published report draws the same chart.

import { decodeChartSettings, encodeChartSettings } from '../chart-settings';
import { CELL_NAME, type CellFormat } from './cell-format';

export const sqlCellFormat: CellFormat<'sql'> = {
  kind: 'sql',
  writeAttributes(cell) {
    return [
      ...(cell.name ? [`name=${cell.name}`] : []),
      `run=${cell.runOn ?? 'auto'}`,
      ...(cell.display === 'chart' ? ['display=chart'] : []),
      ...(cell.chart ? [`chart=${encodeChartSettings(cell.chart)}`] : []),
    ];
  },
  readAttributes(attributes) {
    const chart = attributes.chart ? decodeChartSettings(attributes.chart) : null;
    return {
      ...(attributes.name && CELL_NAME.test(attributes.name) ? { name: attributes.name } : {}),
      // A stored choice is kept; a marker without one (or one this version does not know) reads as Auto.
      runOn: attributes.run === 'server' || attributes.run === 'browser' ? attributes.run : 'auto',
      ...(attributes.display === 'chart' ? { display: 'chart' as const } : {}),
      ...(chart ? { chart } : {}),
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
