// SQL cells: a named result, run in the browser (DuckDB-WASM) or on the server (native DuckDB), or where Auto
// decides (engine/placement.ts), the default for a new cell.

import type { NotebookCell } from '@/server/notebooks/types';
import type { CellEditorProps, CellKindUi } from '../cell-kind';
import { CellFrame } from '../../notebook/cell-frame';
import { SqlCell } from './sql-cell';

function nextResultName(cells: readonly NotebookCell[]): string {
  let n = cells.length + 1;
  while (cells.some((cell) => cell.name === `result_${n}`)) n += 1;
  return `result_${n}`;
}

function SqlCellEditor({ cell, frame, onChange, runner, runWhenRendered, readOnly }: CellEditorProps) {
  return (
    <CellFrame
      {...frame}
      cell={cell}
      label={sqlCellKind.label}
      detail={cell.name ? <code className="wb-muted">{cell.name}</code> : null}
    >
      <SqlCell
        cell={cell}
        runtime={runner.runtimes[cell.id] ?? { status: 'idle' }}
        onChange={onChange}
        onRun={() => void runner.run(cell.id)}
        onRunAndNext={frame.onRunAndNext}
        onRunAndInsert={frame.onRunAndInsert}
        onCancel={() => void runner.cancel()}
        onRunOnServer={() => {
          onChange({ ...cell, runOn: 'server' });
          runWhenRendered();
        }}
        blocked={runner.runningId !== null && runner.runningId !== cell.id}
        readOnly={readOnly}
        toParquet={(table) => runner.engine.toParquet(table)}
      />
    </CellFrame>
  );
}

export const sqlCellKind: CellKindUi = {
  label: 'SQL',
  create: (id, cells, source) => ({ id, kind: 'sql', name: nextResultName(cells), runOn: 'auto', source }),
  toQuery: (cell) =>
    cell.source.trim() === ''
      ? null
      : { sql: cell.source, runOn: cell.runOn ?? 'auto', ...(cell.name ? { name: cell.name } : {}) },
  Editor: SqlCellEditor,
};
