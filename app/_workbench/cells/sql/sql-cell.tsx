'use client';
// One SQL cell: name, run target, Monaco editor (run keys and Shift+Alt+F in editor/cell-keys.ts), error marker at
// the position DuckDB reported, and the result.

import Editor, { type OnMount } from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor';
import { useEffect, useRef } from 'react';
import { format } from 'sql-formatter';
import type { NotebookCell, RunTarget } from '@/server/notebooks/types';
import { DUCKDB_LANGUAGE, registerDuckdbLanguage } from '../../editor/duckdb-language';
import { registerSqlCompletion, trackEditorFocus } from '../../editor/setup-monaco';
import { bindCellKeys, registerCellEditor } from '../../editor/cell-keys';
import { ResultView } from '../../results/result-view';
import type { CellRuntime } from '../../notebook/use-cell-runner';
import type { Table } from 'apache-arrow';

interface SqlCellProps {
  cell: NotebookCell;
  runtime: CellRuntime;
  onChange(cell: NotebookCell): void;
  onRun(): void;
  /** Shift+Enter: run, then move to the next cell. */
  onRunAndNext(): void;
  /** Alt+Enter: run, then insert a cell below. */
  onRunAndInsert(): void;
  onCancel(): void;
  /** Switches the cell to the server path and runs it (offered when a browser result is too large). */
  onRunOnServer(): void;
  /** Another cell is running: this one cannot start. */
  blocked: boolean;
  /** A read-only viewer: the editor shows the SQL but takes no edits. */
  readOnly?: boolean;
  toParquet(table: Table): Promise<Uint8Array>;
}

export function formatSql(sql: string): string {
  return format(sql, { language: 'duckdb', keywordCase: 'upper', tabWidth: 2 });
}

export function SqlCell({
  cell,
  runtime,
  onChange,
  onRun,
  onRunAndNext,
  onRunAndInsert,
  onCancel,
  onRunOnServer,
  blocked,
  readOnly = false,
  toParquet,
}: SqlCellProps) {
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const monacoRef = useRef<typeof Monaco | null>(null);
  const latest = useRef({ onRun, onRunAndNext, onRunAndInsert, cell, onChange });
  latest.current = { onRun, onRunAndNext, onRunAndInsert, cell, onChange };

  const doFormat = () => {
    try {
      onChange({ ...latest.current.cell, source: formatSql(latest.current.cell.source) });
    } catch {
      // The formatter cannot parse half-written SQL; leave the text as it is.
    }
  };

  const onMount: OnMount = (editor, monaco) => {
    editorRef.current = editor;
    monacoRef.current = monaco as unknown as typeof Monaco;
    registerSqlCompletion(monaco as unknown as typeof Monaco);
    trackEditorFocus(editor);
    bindCellKeys(editor, monaco as unknown as typeof Monaco, () => ({
      run: latest.current.onRun,
      runAndNext: latest.current.onRunAndNext,
      runAndInsert: latest.current.onRunAndInsert,
      format: doFormat,
    }));
    registerCellEditor(latest.current.cell.id, editor);
    // The library creates the editor a render before it calls this and subscribes onChange right after it; text
    // set in between (a fast paste, a script) would stay in the editor but never reach the cell, and Run would
    // run the old SQL. Catch up with what the editor holds. (@monaco-editor/react; no upstream issue found.)
    const typed = editor.getValue();
    if (typed !== latest.current.cell.source)
      latest.current.onChange({ ...latest.current.cell, source: typed });
  };

  const position = runtime.status === 'error' ? runtime.error?.position : null;
  const message = runtime.status === 'error' ? runtime.error?.message : null;
  useEffect(() => {
    const editor = editorRef.current;
    const monaco = monacoRef.current;
    const model = editor?.getModel();
    if (!editor || !monaco || !model) return;
    const markers: Monaco.editor.IMarkerData[] = [];
    if (message && position) {
      const line = Math.min(position.line, model.getLineCount());
      const word = model.getWordAtPosition({ lineNumber: line, column: position.column });
      markers.push({
        severity: monaco.MarkerSeverity.Error,
        message,
        startLineNumber: line,
        startColumn: word?.startColumn ?? position.column,
        endLineNumber: line,
        endColumn: word?.endColumn ?? position.column + 1,
      });
    }
    monaco.editor.setModelMarkers(model, 'duckdb', markers);
  }, [message, position]);

  const running = runtime.status === 'running';
  const lines = Math.max(3, Math.min(24, cell.source.split('\n').length + 1));
  return (
    <div className="wb-cell-body" data-status={runtime.status} data-runs={runtime.runs ?? 0}>
      <div className="wb-cell-tools">
        <label>
          Name{' '}
          <input
            className="wb-name-input"
            value={cell.name ?? ''}
            placeholder="result name"
            pattern="[A-Za-z_][A-Za-z0-9_]*"
            aria-label="Cell name"
            onChange={(event) => {
              const name = event.target.value.replace(/[^A-Za-z0-9_]/g, '');
              const next: NotebookCell = { ...cell };
              if (name) next.name = name;
              else delete next.name;
              onChange(next);
            }}
          />
        </label>
        <label title="Auto picks the browser or the server for each run from the tables' size, whether the data is already in this page and whether the result is small; Browser runs DuckDB-WASM in this tab; Server runs native DuckDB over the same snapshot (named results of earlier cells are sent along)">
          Run{' '}
          <select
            value={cell.runOn ?? 'auto'}
            aria-label="Run on"
            data-testid="run-on"
            onChange={(event) => onChange({ ...cell, runOn: event.target.value as RunTarget })}
          >
            <option value="auto">Auto</option>
            <option value="browser">Browser</option>
            <option value="server">Server</option>
          </select>
        </label>
        <span className="wb-spacer" />
        <button type="button" onClick={doFormat}>
          Format
        </button>
        {running ? (
          <button type="button" className="wb-danger" onClick={onCancel} data-testid="cancel-cell">
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="wb-primary"
            onClick={onRun}
            disabled={blocked}
            title="Run (Ctrl/Cmd+Enter; Shift+Enter runs and moves on)"
            data-testid="run-cell"
          >
            Run ▶
          </button>
        )}
      </div>
      {cell.runOn === 'server' ? (
        <p className="wb-muted wb-server-note">
          Runs with native DuckDB on the server over the same Delta snapshots and streams the result back.
          Named results of earlier cells that this SQL selects from are sent along (up to 256 MB); one SELECT
          per cell.
        </p>
      ) : null}
      <div className="wb-editor" style={{ height: lines * 19 + 12 }} data-testid="sql-editor">
        <Editor
          language={DUCKDB_LANGUAGE}
          beforeMount={(monaco) => registerDuckdbLanguage(monaco as unknown as typeof Monaco)}
          value={cell.source}
          onChange={(value) => latest.current.onChange({ ...latest.current.cell, source: value ?? '' })}
          onMount={onMount}
          options={{
            minimap: { enabled: false },
            lineNumbers: 'on',
            scrollBeyondLastLine: false,
            fontSize: 13,
            automaticLayout: true,
            wordWrap: 'on',
            tabSize: 2,
            quickSuggestions: true,
            readOnly,
          }}
          loading={<pre className="wb-editor-loading">{cell.source || 'Loading editor…'}</pre>}
        />
      </div>
      {running ? (
        <p className="wb-muted" role="status" data-testid="cell-running">
          Running…
        </p>
      ) : null}
      {runtime.status === 'cancelled' ? <p className="wb-muted">Cancelled.</p> : null}
      {runtime.status === 'error' && runtime.error ? (
        <pre className="wb-error" role="alert" data-testid="cell-error">
          {runtime.error.message}
        </pre>
      ) : null}
      {runtime.result?.placement && runtime.status !== 'error' ? (
        <p
          className="wb-muted wb-placement"
          data-testid="placement-note"
          data-run-on={runtime.result.runOn}
          data-auto={runtime.result.placement.auto ? '1' : '0'}
        >
          {runtime.result.runOn === 'server' ? 'Ran on the server' : 'Ran in the browser'}
          {runtime.result.placement.auto ? ' (Auto)' : ''}: {runtime.result.placement.reason}
        </p>
      ) : null}
      {runtime.result && runtime.status !== 'error' ? (
        <ResultView
          result={runtime.result}
          fileStem={cell.name ?? 'result'}
          toParquet={toParquet}
          onRunOnServer={onRunOnServer}
          display={cell.display}
          chart={cell.chart}
          onSettingsChange={
            readOnly
              ? undefined
              : ({ display, chart }) => {
                  // Saved with the cell (and so in the notebook file), so a reload or a report draws this chart.
                  const { display: _display, chart: _chart, ...rest } = latest.current.cell;
                  latest.current.onChange({
                    ...rest,
                    ...(display === 'chart' ? { display } : {}),
                    ...(chart ? { chart } : {}),
                  });
                }
          }
        />
      ) : null}
    </div>
  );
}
