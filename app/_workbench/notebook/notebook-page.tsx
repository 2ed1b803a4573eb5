'use client';
// A notebook at /workbench/<id>: header (title, save state, run all, cancel, shortcuts), parameters (their values in
// the URL), cells and the catalog (collapsible, resizable), across the whole width of the screen.

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { NotebookView } from '@/server/api/workbench/notebooks';
import type { TableSummary } from '@/server/api/workbench/types';
import type { Notebook, NotebookCell } from '@/server/notebooks/types';
import { api } from '../api';
import { ErrorNotice } from '../error-notice';
import { CatalogColumn } from '../catalog/catalog-column';
import { CatalogSidebar } from '../catalog/catalog-sidebar';
import { focusCell } from '../editor/cell-keys';
import { loadSqlFunctions } from '../editor/duckdb-functions';
import { configureMonacoLoader, setCompletionCatalog } from '../editor/setup-monaco';
import { describeColumns } from '../results/result-data';
import { CELL_KIND_ORDER, CELL_KIND_UI } from '../cells/registry';
import { NotebookHistory } from './notebook-history';
import { NotebookSchedule } from './notebook-schedule';
import { NotebookSharing } from './notebook-sharing';
import { ParameterInputs } from '../parameters/parameter-inputs';
import { ParametersEditor } from '../parameters/parameters-editor';
import { firstColumnValues } from '../parameters/options-query';
import { linkWithValues, useParameterValues } from '../parameters/use-parameter-values';
import { PublishPanel } from './publish-panel';
import { SaveConflict } from './save-conflict';
import { UploadTable } from './upload-table';
import { ShortcutList, useShortcutKey } from './shortcut-list';
import { useAutosave, type SaveState } from './use-autosave';
import { useCellRunner } from './use-cell-runner';
import { logCleanupFailure } from '../../_lib/cleanup';

configureMonacoLoader();

function newCellId(cells: NotebookCell[]): string {
  let n = cells.length + 1;
  while (cells.some((cell) => cell.id === `c${n}`)) n += 1;
  return `c${n}`;
}

const SAVE_LABEL: Partial<Record<SaveState, string>> = {
  saved: 'Saved',
  dirty: 'Saving…',
  saving: 'Saving…',
  'read-only': 'Read only',
  conflict: 'Not saved: changed elsewhere',
  deleted: 'Not saved: deleted',
};

export function NotebookPage({ id }: { id: string }) {
  const router = useRouter();
  const [notebook, setNotebook] = useState<Notebook | null>(null);
  const [version, setVersion] = useState(0);
  /** The server's side of the open notebook: version loaded, the caller's access, shares; one generation per load. */
  const [loaded, setLoaded] = useState<{ view: NotebookView; generation: number } | null>(null);
  const [panel, setPanel] = useState<'history' | 'sharing' | 'publish' | 'schedule' | null>(null);
  // Tables from uploaded files loaded in this page: completed by the editor like cells' results.
  const [uploads, setUploads] = useState<{ name: string; columns: { name: string; type: string }[] }[]>([]);
  const [resolving, setResolving] = useState(false);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [tables, setTables] = useState<TableSummary[] | null>(null);
  const [catalogError, setCatalogError] = useState<string | null>(null);
  const [pendingRun, setPendingRun] = useState<string | null>(null);
  const [shared, setShared] = useState<string | null>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  /** A read-only viewer's folds: theirs for this visit, never saved. */
  const [viewerFolds, setViewerFolds] = useState<Record<string, boolean>>({});
  useShortcutKey(setShortcutsOpen);
  const tableNames = useMemo(() => (tables ?? []).filter((t) => !t.error).map((t) => t.name), [tables]);
  const defs = useMemo(() => notebook?.parameters ?? [], [notebook?.parameters]);
  const [values, setValues] = useParameterValues(defs);
  const liveTables = useMemo(() => (tables ?? []).filter((t) => !t.error), [tables]);
  const runner = useCellRunner(notebook, tableNames, values, liveTables);
  const { runQuery } = runner;
  // Options queries read lake tables, so they wait for the catalog that says which tables there are.
  const runOptionsQuery = useMemo(
    () => (tables ? (sql: string) => runQuery(sql).then(firstColumnValues) : undefined),
    [tables, runQuery],
  );
  const readOnly = loaded?.view.access === 'read';
  const save = useAutosave(notebook, version, {
    baseVersion: loaded?.view.version ?? 1,
    generation: loaded?.generation ?? 0,
    readOnly,
  });

  const loadCatalog = useCallback(() => {
    api
      .listTables()
      .then((list) => {
        setTables(list);
        setCatalogError(null);
      })
      .catch((e: Error) => setCatalogError(e.message));
  }, []);

  const load = useCallback(() => {
    api.openNotebook(id).then(
      (view) => {
        setNotebook(view);
        setLoaded((previous) => ({ view, generation: (previous?.generation ?? 0) + 1 }));
      },
      (e: Error) => setLoadError(e),
    );
  }, [id]);

  useEffect(() => {
    load();
    loadCatalog();
  }, [load, loadCatalog]);

  /** Keep both: what this tab holds becomes a new notebook of mine; the other version stays where it is. */
  const keepCopy = async () => {
    if (!notebook) return;
    setResolving(true);
    try {
      const copy = await api.createNotebook({
        title: `${notebook.title} (my copy)`,
        parameters: notebook.parameters,
        cells: notebook.cells,
      });
      router.push(`/workbench/${copy.id}`);
    } catch (e) {
      setLoadError(e as Error);
    } finally {
      setResolving(false);
    }
  };

  useEffect(() => {
    // Every named cell's result name, with its columns once it has run (from the result's schema).
    const results = (notebook?.cells ?? []).flatMap((cell) => {
      if (cell.kind !== 'sql' || !cell.name) return [];
      const result = runner.runtimes[cell.id]?.result;
      const columns = result
        ? describeColumns(result.table).map((c) => ({ name: c.name, type: c.type }))
        : [];
      return [{ name: cell.name, columns }];
    });
    results.push(...uploads);
    setCompletionCatalog({
      tables: (tables ?? []).map((t) => ({
        name: t.name,
        detail: `Delta table v${t.version}`,
        columns: t.columns.map((c) => ({ name: c.name, type: c.duckdbType })),
      })),
      results,
    });
  }, [tables, runner.runtimes, notebook, uploads]);

  const update = useCallback(
    (change: (current: Notebook) => Notebook) => {
      // A read-only viewer's page changes nothing, so there is nothing to save.
      if (readOnly) return;
      setNotebook((current) => (current ? change(current) : current));
      setVersion((v) => v + 1);
    },
    [readOnly],
  );

  const updateCell = (cell: NotebookCell) =>
    update((n) => ({ ...n, cells: n.cells.map((c) => (c.id === cell.id ? cell : c)) }));

  /** Adds a cell at `at` (the end by default); returns its id. */
  const addCell = (kind: NotebookCell['kind'], source = '', at?: number): string => {
    const cells = notebook?.cells ?? [];
    const created = newCellId(cells);
    const cell = CELL_KIND_UI[kind].create(created, cells, source);
    update((n) => {
      const next = [...n.cells];
      next.splice(at ?? next.length, 0, cell);
      return { ...n, cells: next };
    });
    return created;
  };

  /** Shift+Enter (`next`) and Alt+Enter (`insert`): run the cell, then move on; the run goes on meanwhile. */
  const runAndMove = (cellId: string, move: 'next' | 'insert') => {
    const cells = notebook?.cells ?? [];
    const index = cells.findIndex((c) => c.id === cellId);
    void runner.run(cellId);
    const next = cells[index + 1];
    if (move === 'next' && next) {
      focusCell(next.id);
    } else if (!readOnly) {
      focusCell(addCell('sql', '', index + 1));
    }
  };

  const isCollapsed = (cell: NotebookCell) =>
    (readOnly ? (viewerFolds[cell.id] ?? cell.collapsed) : cell.collapsed) === true;
  const toggleCollapsed = (cell: NotebookCell) => {
    if (readOnly) {
      setViewerFolds((folds) => ({ ...folds, [cell.id]: !isCollapsed(cell) }));
      return;
    }
    const next: NotebookCell = { ...cell };
    if (cell.collapsed) delete next.collapsed;
    else next.collapsed = true;
    updateCell(next);
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
  const { run, engine } = runner;
  useEffect(() => {
    // The engine's own function list for completion and hover; the curated names until it answers.
    void loadSqlFunctions(engine).catch(logCleanupFailure('reading duckdb_functions() for completion'));
  }, [engine]);

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
      <CatalogColumn>
        {(collapse) => (
          <CatalogSidebar
            tables={tables}
            error={catalogError}
            onQuery={queryFromCatalog}
            onRefresh={loadCatalog}
            onOpen={(sql) => addCell('sql', sql)}
            historyKey={runner.finishedRuns}
            onCollapse={collapse}
          />
        )}
      </CatalogColumn>
      <div className="wb-notebook">
        <div className="wb-notebook-head">
          <input
            className="wb-title-input"
            aria-label="Notebook title"
            value={notebook.title}
            readOnly={readOnly}
            onChange={(event) => update((n) => ({ ...n, title: event.target.value || 'Untitled notebook' }))}
          />
          <span className="wb-muted" data-testid="save-state" data-state={save.state}>
            {SAVE_LABEL[save.state] ?? `Not saved: ${save.error}`}
          </span>
          {loaded?.view.owner && loaded.view.access !== 'manage' ? (
            <span className="wb-muted">Owner: {loaded.view.owner}</span>
          ) : null}
          <span className="wb-spacer" />
          {loaded && loaded.view.access !== 'read' ? (
            <button
              type="button"
              data-testid="history-button"
              aria-expanded={panel === 'history'}
              onClick={() => setPanel((p) => (p === 'history' ? null : 'history'))}
            >
              History
            </button>
          ) : null}
          {loaded?.view.access === 'manage' ? (
            <button
              type="button"
              data-testid="sharing-button"
              aria-expanded={panel === 'sharing'}
              onClick={() => setPanel((p) => (p === 'sharing' ? null : 'sharing'))}
            >
              Share
            </button>
          ) : null}
          {loaded?.view.access === 'manage' ? (
            <button
              type="button"
              data-testid="publish-panel-button"
              aria-expanded={panel === 'publish'}
              onClick={() => setPanel((p) => (p === 'publish' ? null : 'publish'))}
            >
              Publish
            </button>
          ) : null}
          {loaded ? (
            <button
              type="button"
              data-testid="schedule-button"
              aria-expanded={panel === 'schedule'}
              onClick={() => setPanel((p) => (p === 'schedule' ? null : 'schedule'))}
            >
              Schedule
            </button>
          ) : null}
          <button
            type="button"
            title="Copy a link to this notebook with these parameter values; those it is shared with open the saved notebook"
            onClick={() => {
              const url = linkWithValues(
                `${window.location.origin}/workbench/${encodeURIComponent(notebook.id)}`,
                notebook.parameters,
                values,
              );
              // Without clipboard access (plain http on another host), the link is still shown to copy by hand.
              setShared(url);
              void navigator.clipboard
                ?.writeText(url)
                .catch(logCleanupFailure('navigator.clipboard?.writeText(url)'));
            }}
            data-testid="share-notebook"
          >
            Copy link
          </button>
          <button type="button" onClick={() => void runner.runAll()} disabled={runner.runningId !== null}>
            Run all
          </button>
          <button
            type="button"
            onClick={() => setShortcutsOpen(true)}
            title="Keyboard shortcuts (?)"
            aria-label="Keyboard shortcuts"
            data-testid="shortcuts-button"
          >
            ⌨
          </button>
          <button type="button" onClick={() => void runner.cancel()} disabled={runner.runningId === null}>
            Cancel
          </button>
        </div>
        {save.state === 'conflict' || save.state === 'deleted' ? (
          <SaveConflict
            kind={save.state}
            message={save.error}
            busy={resolving}
            onReload={load}
            onKeepCopy={() => void keepCopy()}
          />
        ) : null}
        {panel === 'history' && loaded ? (
          <NotebookHistory
            id={notebook.id}
            currentVersion={save.state === 'saved' ? version : -1}
            onRestored={load}
          />
        ) : null}
        {panel === 'sharing' && loaded ? (
          <NotebookSharing id={notebook.id} initial={loaded.view.shares} />
        ) : null}
        {panel === 'publish' && loaded ? (
          <PublishPanel notebook={notebook} tables={tableNames} saved={save.state === 'saved'} />
        ) : null}
        {panel === 'schedule' && loaded ? (
          <NotebookSchedule
            id={notebook.id}
            canManage={loaded.view.access === 'manage'}
            parameters={notebook.parameters}
            outputs={notebook.cells.flatMap((cell) =>
              cell.kind === 'sql' && cell.source.trim() !== '' ? [cell.name ?? cell.id] : [],
            )}
          />
        ) : null}
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
        <ParameterInputs
          defs={notebook.parameters}
          values={values}
          onChange={setValues}
          {...(runOptionsQuery ? { runOptionsQuery } : {})}
        />
        {readOnly ? null : (
          <ParametersEditor
            parameters={notebook.parameters}
            onChange={(parameters) => update((n) => ({ ...n, parameters }))}
          />
        )}
        <UploadTable
          notebookId={notebook.id}
          engine={runner.engine}
          canSave={!readOnly}
          reservedNames={[...tableNames, ...notebook.cells.flatMap((c) => (c.name ? [c.name] : []))]}
          onTablesChange={setUploads}
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
                collapsed: isCollapsed(cell),
                onToggleCollapsed: () => toggleCollapsed(cell),
                onRunAndNext: () => runAndMove(cell.id, 'next'),
                onRunAndInsert: () => runAndMove(cell.id, 'insert'),
              }}
              onChange={updateCell}
              runner={runner}
              runWhenRendered={() => setPendingRun(cell.id)}
              readOnly={readOnly}
            />
          );
        })}
        {shortcutsOpen ? <ShortcutList onClose={() => setShortcutsOpen(false)} /> : null}
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
