'use client';
// The frame around a cell: its kind's badge, what the kind shows beside it, move up/down, delete. Each kind's
// editor (app/_workbench/cells/<kind>) renders itself inside one.

import type { ReactNode } from 'react';
import type { NotebookCell } from '@/server/notebooks/types';

/** What the notebook page gives every cell editor to pass on to its frame. */
export interface CellFrameControls {
  index: number;
  count: number;
  onMove(delta: -1 | 1): void;
  onDelete(): void;
}

interface CellFrameProps extends CellFrameControls {
  cell: NotebookCell;
  label: string;
  /** Beside the badge (e.g. a SQL cell's result name). */
  detail?: ReactNode;
  /** Before the move and delete buttons (e.g. a Markdown cell's Edit/Done). */
  actions?: ReactNode;
  children?: ReactNode;
}

export function CellFrame({
  cell,
  label,
  detail,
  actions,
  index,
  count,
  onMove,
  onDelete,
  children,
}: CellFrameProps) {
  return (
    <section className={`wb-cell wb-cell-${cell.kind}`} data-testid="cell" data-cell-id={cell.id}>
      <div className="wb-cell-head">
        <span className="wb-badge">{label}</span>
        {detail}
        <span className="wb-spacer" />
        {actions}
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
      {children}
    </section>
  );
}
