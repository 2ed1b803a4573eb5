// Markdown cells: notes between queries, edited as text and read rendered; they do not run.

import { useState } from 'react';
import type { CellEditorProps, CellKindUi } from '../cell-kind';
import { CellFrame } from '../../notebook/cell-frame';
import { Markdown } from './markdown';

function MarkdownCellEditor({ cell, frame, onChange, readOnly }: CellEditorProps) {
  // A new, empty note opens for editing; a written one opens rendered.
  const [editing, setEditing] = useState(cell.source === '');
  return (
    <CellFrame
      {...frame}
      cell={cell}
      label={markdownCellKind.label}
      actions={
        readOnly ? null : (
          <button type="button" onClick={() => setEditing((e) => !e)}>
            {editing ? 'Done' : 'Edit'}
          </button>
        )
      }
    >
      {editing && !readOnly ? (
        <textarea
          className="wb-markdown-input"
          value={cell.source}
          rows={Math.max(3, cell.source.split('\n').length + 1)}
          aria-label="Markdown"
          onChange={(event) => onChange({ ...cell, source: event.target.value })}
          onKeyDown={(event) => {
            // The notebook's run keys: a note "runs" by showing itself rendered (cell-keys.ts).
            if (event.key !== 'Enter' || !(event.shiftKey || event.altKey)) return;
            event.preventDefault();
            setEditing(false);
            if (event.shiftKey) frame.onRunAndNext();
            else frame.onRunAndInsert();
          }}
        />
      ) : (
        <div className="wb-markdown" onDoubleClick={() => setEditing(!readOnly)}>
          <Markdown source={cell.source} />
        </div>
      )}
    </CellFrame>
  );
}

export const markdownCellKind: CellKindUi = {
  label: 'Markdown',
  create: (id, _cells, source) => ({ id, kind: 'markdown', source }),
  toQuery: () => null,
  Editor: MarkdownCellEditor,
};
