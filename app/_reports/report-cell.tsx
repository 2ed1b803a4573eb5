'use client';
// One cell of a published report, read-only: a note as Markdown; a query as its saved chart (the same component
// and settings as in the workbench) or its table, its SQL hidden until "Show code".

import { useState } from 'react';
import type { NotebookCell } from '@/server/notebooks/types';
import { Markdown } from '../_workbench/cells/markdown/markdown';
import { ResultChart } from '../_workbench/results/result-chart';
import { ResultGrid } from '../_workbench/results/result-grid';
import type { CellRuntime } from '../_workbench/notebook/use-cell-runner';

export function ReportCell({ cell, runtime }: { cell: NotebookCell; runtime: CellRuntime | undefined }) {
  const [showCode, setShowCode] = useState(false);
  if (cell.kind === 'markdown') {
    return (
      <section className="rp-cell rp-markdown" data-testid="report-cell" data-kind="markdown">
        <Markdown source={cell.source} />
      </section>
    );
  }
  if (cell.source.trim() === '') return null;
  const result = runtime?.result;
  return (
    <section
      className="rp-cell"
      data-testid="report-cell"
      data-kind="sql"
      data-status={runtime?.status ?? 'idle'}
      data-name={cell.name ?? ''}
    >
      <div className="rp-cell-bar">
        {cell.name ? <code className="wb-muted">{cell.name}</code> : null}
        {result ? (
          <span className="wb-muted" data-testid="row-count">
            {result.table.numRows.toLocaleString()} row{result.table.numRows === 1 ? '' : 's'}
          </span>
        ) : null}
        <span className="wb-spacer" />
        <button type="button" aria-expanded={showCode} onClick={() => setShowCode((v) => !v)}>
          {showCode ? 'Hide code' : 'Show code'}
        </button>
      </div>
      {showCode ? (
        <pre className="rp-code" data-testid="report-code">
          {cell.source}
        </pre>
      ) : null}
      {runtime?.status === 'running' || !runtime ? (
        <p className="wb-muted" role="status">
          Running…
        </p>
      ) : null}
      {runtime?.status === 'error' && runtime.error ? (
        <pre className="wb-error" role="alert" data-testid="cell-error">
          {runtime.error.message}
        </pre>
      ) : null}
      {result && runtime?.status === 'done' ? (
        cell.display === 'chart' ? (
          <ResultChart table={result.table} settings={cell.chart} />
        ) : (
          <ResultGrid table={result.table} />
        )
      ) : null}
    </section>
  );
}
