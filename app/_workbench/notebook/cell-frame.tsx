'use client';
// The frame around a cell: its kind's badge, what the kind shows beside it, collapse, move up/down, delete. Each
// kind's editor (app/_workbench/cells/<kind>) renders itself inside one. A collapsed cell shows its first line only
// (its editor and result are not rendered; its result stays with the runner for later cells).

import type { ReactNode } from 'react';
import type { NotebookCell } from '@/server/notebooks/types';

/** What the notebook page gives every cell editor to pass on to its frame (and its keys). */
export interface CellFrameControls {
  index: number;
  count: number;
  onMove(delta: -1 | 1): void;
  onDelete(): void;
  collapsed: boolean;
  onToggleCollapsed(): void;
  /** Shift+Enter: run this cell and move to the next (a new one at the end). */
  onRunAndNext(): void;
  /** Alt+Enter: run this cell and insert a new one below it. */
  onRunAndInsert(): void;
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

function firstLine(source: string): string {
  const line = source.split('\n').find((l) => l.trim() !== '' && !/^\s*--\s*$/.test(l)) ?? '';
  return line.trim() || '(empty)';
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
  collapsed,
  onToggleCollapsed,
  children,
}: CellFrameProps) {
  return (
    <section
      className={`wb-cell wb-cell-${cell.kind}`}
      data-testid="cell"
      data-cell-id={cell.id}
      data-collapsed={collapsed}
      tabIndex={-1}
    >
      <div className="wb-cell-head">
        <button
          type="button"
          className="wb-collapse"
          aria-label={collapsed ? 'Expand cell' : 'Collapse cell'}
          aria-expanded={!collapsed}
          title={collapsed ? 'Expand cell' : 'Collapse cell'}
          onClick={onToggleCollapsed}
          data-testid="collapse-cell"
        >
          {collapsed ? '▸' : '▾'}
        </button>
        <span className="wb-badge">{label}</span>
        {detail}
        {collapsed ? (
          <code className="wb-cell-summary" title={cell.source}>
            {firstLine(cell.source)}
          </code>
        ) : null}
        <span className="wb-spacer" />
        {collapsed ? null : actions}
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
      {collapsed ? null : children}
    </section>
  );
}
