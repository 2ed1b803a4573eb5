'use client';
// A notebook at /workbench/<id>: header (title, save state, run all, cancel), parameters, cells and the catalog.

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TableSummary } from '@/server/api/workbench/types';
import type { Notebook, NotebookCell } from '@/server/notebooks/types';
import { api } from '../api';
import { ErrorNotice } from '../error-notice';
import { CatalogSidebar } from '../catalog/catalog-sidebar';
import { configureMonacoLoader, setCompletionCatalog } from '../editor/setup-monaco';
import { describeColumns } from '../results/result-data';
import { CELL_KIND_ORDER, CELL_KIND_UI } from '../cells/registry';
import { ParametersEditor } from './parameters-editor';
import { useAutosave } from './use-autosave';
import { useCellRunner } from './use-cell-runner';

configureMonacoLoader();

function newCellId(cells: NotebookCell[]): string {
  let n = cells.length + 1;
  while (cells.some((cell) => cell.id === `c${n}`)) n += 1;
  return `c${n}`;
}

export function NotebookPage({ id }: { id: string }) {
  const [notebook, setNotebook] = useState<Notebook | null>(null);
  const [version, setVersion] = useState(0);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [tables, setTables] = useState<TableSummary[] | null>(null);
  const [catalogError, setCatalogError] = useState<string | null>(null);
  const [pendingRun, setPendingRun] = useState<string | null>(null);
  const [shared, setShared] = useState<string | null>(null);
  const tableNames = useMemo(() => (tables ?? []).filter((t) => !t.error).map((t) => t.name), [tables]);
  const runner = useCellRunner(notebook, tableNames);
  const save = useAutosave(notebook, version);

  const loadCatalog = useCallback(() => {
    api
      .listTables()
      .then((list) => {
        setTables(list);
        setCatalogError(null);
      })
      .catch((e: Error) => setCatalogError(e.message));
  }, []);

  useEffect(() => {
    api.openNotebook(id).then(setNotebook, (e: Error) => setLoadError(e));
    loadCatalog();
  }, [id, loadCatalog]);

  useEffect(() => {
    const results = Object.entries(runner.runtimes).flatMap(([cellId, runtime]) => {
      const name = notebook?.cells.find((c) => c.id === cellId)?.name;
      if (!name || !runtime.result) return [];
      return [
        { name, columns: describeColumns(runtime.result.table).map((c) => ({ name: c.name, type: c.type })) },
      ];
    });
    setCompletionCatalog({
      tables: (tables ?? []).map((t) => ({
        name: t.name,
        detail: `Delta table v${t.version}`,
        columns: t.columns.map((c) => ({ name: c.name, type: c.duckdbType })),
      })),
      results,
    });
  }, [tables, runner.runtimes, notebook]);

  const update = useCallback((change: (current: Notebook) => Notebook) => {
    setNotebook((current) => (current ? change(current) : current));
    setVersion((v) => v + 1);
  }, []);

  const updateCell = (cell: NotebookCell) =>
    update((n) => ({ ...n, cells: n.cells.map((c) => (c.id === cell.id ? cell : c)) }));

  const addCell = (kind: NotebookCell['kind'], source = ''): string => {
    const cells = notebook?.cells ?? [];
    const created = newCellId(cells);
    const cell = CELL_KIND_UI[kind].create(created, cells, source);
    update((n) => ({ ...n, cells: [...n.cells, cell] }));
    return created;
  };

  const moveCell = (index: number, delta: -1 | 1) =>
    update((n) => {
      const cells = [...n.cells];
      const [cell] = cells.splice(index, 1);
      if (cell) cells.splice(index + delta, 0, cell);
      return { ...n, cells };
    });

  const queryFromCatalog = (sql: string) => setPendingRun(addCell('sql', sql));

  // A cell added from the catalog runs once it is part of the rendered notebook.
  const { run } = runner;
  useEffect(() => {
    if (pendingRun && notebook?.cells.some((cell) => cell.id === pendingRun)) {
      setPendingRun(null);
      void run(pendingRun);
    }
  }, [pendingRun, notebook, run]);

  if (loadError) {
    return (
      <>
        <ErrorNotice error={loadError} />
        <a href="/workbench">Back to the notebooks</a>
      </>
    );
  }
  if (!notebook) return <p className="wb-muted">Opening the notebook…</p>;

  return (
    <div className="wb-layout">
      <CatalogSidebar
        tables={tables}
        error={catalogError}
        onQuery={queryFromCatalog}
        onRefresh={loadCatalog}
        onOpen={(sql) => addCell('sql', sql)}
        historyKey={runner.finishedRuns}
      />
      <div className="wb-notebook">
        <div className="wb-notebook-head">
          <input
            className="wb-title-input"
            aria-label="Notebook title"
            value={notebook.title}
            onChange={(event) => update((n) => ({ ...n, title: event.target.value || 'Untitled notebook' }))}
          />
          <span className="wb-muted" data-testid="save-state" data-state={save.state}>
            {save.state === 'saved'
              ? 'Saved'
              : save.state === 'error'
                ? `Not saved: ${save.error}`
                : 'Saving…'}
          </span>
          <span className="wb-spacer" />
          <button
            type="button"
            title="Copy a link to this notebook; anyone with workbench access opens the saved notebook"
            onClick={() => {
              const url = `${window.location.origin}/workbench/${encodeURIComponent(notebook.id)}`;
              // Without clipboard access (plain http on another host), the link is still shown to copy by hand.
              setShared(url);
              void navigator.clipboard?.writeText(url).catch(() => undefined);
            }}
            data-testid="share-notebook"
          >
            Copy link
          </button>
          <button type="button" onClick={() => void runner.runAll()} disabled={runner.runningId !== null}>
            Run all
          </button>
          <button type="button" onClick={() => void runner.cancel()} disabled={runner.runningId === null}>
            Cancel
          </button>
        </div>
        {shared ? (
          <p className="wb-muted" role="status">
            Link to share:{' '}
            <input
              readOnly
              value={shared}
              size={shared.length}
              aria-label="Notebook link"
              data-testid="share-link"
              onFocus={(event) => event.target.select()}
            />
          </p>
        ) : null}
        <ParametersEditor
          parameters={notebook.parameters}
          onChange={(parameters) => update((n) => ({ ...n, parameters }))}
        />
        {notebook.cells.map((cell, index) => {
          const { Editor } = CELL_KIND_UI[cell.kind];
          return (
            <Editor
              key={cell.id}
              cell={cell}
              frame={{
                index,
                count: notebook.cells.length,
                onMove: (delta) => moveCell(index, delta),
                onDelete: () => update((n) => ({ ...n, cells: n.cells.filter((c) => c.id !== cell.id) })),
              }}
              onChange={updateCell}
              runner={runner}
              runWhenRendered={() => setPendingRun(cell.id)}
            />
          );
        })}
        <div className="wb-add">
          {CELL_KIND_ORDER.map((kind) => (
            <button key={kind} type="button" onClick={() => addCell(kind)} data-testid={`add-${kind}`}>
              + {CELL_KIND_UI[kind].label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
