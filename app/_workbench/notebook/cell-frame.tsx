'use client';
// The frame around a cell: its kind, move up/down, delete; Markdown cells switch between editing and reading.

import { useState, type ReactNode } from 'react';
import type { NotebookCell } from '@/server/notebooks/types';
import { Markdown } from '../cells/markdown/markdown';

interface CellFrameProps {
  cell: NotebookCell;
  index: number;
  count: number;
  onMove(delta: -1 | 1): void;
  onDelete(): void;
  onChange(cell: NotebookCell): void;
  children?: ReactNode;
}

export function CellFrame({ cell, index, count, onMove, onDelete, onChange, children }: CellFrameProps) {
  const [editing, setEditing] = useState(cell.source === '');
  return (
    <section className={`wb-cell wb-cell-${cell.kind}`} data-testid="cell" data-cell-id={cell.id}>
      <div className="wb-cell-head">
        <span className="wb-badge">{cell.kind === 'sql' ? 'SQL' : 'Markdown'}</span>
        {cell.kind === 'sql' && cell.name ? <code className="wb-muted">{cell.name}</code> : null}
        <span className="wb-spacer" />
        {cell.kind === 'markdown' ? (
          <button type="button" onClick={() => setEditing((e) => !e)}>
            {editing ? 'Done' : 'Edit'}
          </button>
        ) : null}
        <button type="button" aria-label="Move cell up" disabled={index === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button
          type="button"
          aria-label="Move cell down"
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button type="button" aria-label="Delete cell" onClick={onDelete}>
          ✕
        </button>
      </div>
      {cell.kind === 'markdown' ? (
        editing ? (
          <textarea
            className="wb-markdown-input"
            value={cell.source}
            rows={Math.max(3, cell.source.split('\n').length + 1)}
            aria-label="Markdown"
            onChange={(event) => onChange({ ...cell, source: event.target.value })}
          />
        ) : (
          <div className="wb-markdown" onDoubleClick={() => setEditing(true)}>
            <Markdown source={cell.source} />
          </div>
        )
      ) : (
        children
      )}
    </section>
  );
}
