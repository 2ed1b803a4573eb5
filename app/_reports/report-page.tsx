'use client';
// A published report, read-only: the "as of" line, then each cell as Markdown, chart or table, run in the viewer's
// browser with DuckDB-WASM (the workbench's engine and cell runner) over the table versions the report reads,
// fetched through the report's own snapshot and lake routes, so a viewer needs no workbench rights. Files frozen
// with the report (uploaded CSV, Excel, Parquet) are loaded as tables first, through the report's files route.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ParameterDef } from '@/server/notebooks/parameter-types';
import { formatFileSize } from '@/server/notebooks/notebook-file-names';
import type { ReportView } from '@/server/reports/report-types';
import { AccessNotice } from '../_components/access-notice';
import { can, useCurrentUser } from '../_lib/use-current-user';
import { logCleanupFailure } from '../_lib/cleanup';
import { BrowserEngine, QueryCancelledError } from '../_workbench/engine/browser-engine';
import { CellRunError, runCell } from '../_workbench/engine/run-cell';
import type { CellRuntime } from '../_workbench/notebook/use-cell-runner';
import { ErrorNotice } from '../_workbench/error-notice';
import { ParameterInputs } from '../_workbench/parameters/parameter-inputs';
import { firstColumnValues } from '../_workbench/parameters/options-query';
import { useParameterValues } from '../_workbench/parameters/use-parameter-values';
import { asOfLine } from './as-of';
import { reportApi } from './report-api';
import { loadReportFiles, type FileProblems } from './report-files';
import { ReportCell } from './report-cell';
import './reports.css';

export function ReportPage({ id }: { id: string }) {
  const user = useCurrentUser();
  const allowed = can(user, 'reports:read');
  const [report, setReport] = useState<ReportView | null>(null);
  const [loadedAt, setLoadedAt] = useState(() => new Date());
  const [error, setError] = useState<Error | null>(null);
  const [runtimes, setRuntimes] = useState<Record<string, CellRuntime>>({});
  const engineRef = useRef<BrowserEngine | null>(null);
  engineRef.current ??= new BrowserEngine();
  const engine = engineRef.current;
  const noParameters = useMemo<ParameterDef[]>(() => [], []);
  // The engine runs one query at a time: cells and options queries take turns.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const serial = useCallback(<T,>(work: () => Promise<T>): Promise<T> => {
    const next = queue.current.then(work, work);
    queue.current = next.catch(() => undefined);
    return next;
  }, []);
  const [values, setValues] = useParameterValues(report?.notebook.parameters ?? noParameters);
  const [fileProblems, setFileProblems] = useState<FileProblems>({});
  // The report's files load once per report view, before any query (a parameter change runs the cells again).
  const filesLoad = useRef<{ report: ReportView; done: Promise<FileProblems> } | null>(null);
  const filesReady = useCallback(
    (view: ReportView): Promise<FileProblems> => {
      if (filesLoad.current?.report !== view)
        filesLoad.current = { report: view, done: loadReportFiles(engine, view.id, view.files, serial) };
      return filesLoad.current.done;
    },
    [engine, serial],
  );

  useEffect(() => {
    if (!allowed) return;
    // Start the worker while the report's description loads.
    void engine.warmUp().catch(logCleanupFailure('engine.warmUp()'));
    let live = true;
    reportApi
      .getReport(id)
      .then((view) => {
        if (!live) return;
        setReport(view);
        setLoadedAt(new Date());
      })
      .catch((e: Error) => live && setError(e));
    return () => {
      live = false;
    };
  }, [allowed, id, engine]);

  useEffect(() => () => void engine.restart(), [engine]);

  // Run every query cell once, in order, as "Run all" does; a failing cell shows its error and the next runs on.
  useEffect(() => {
    if (!report) return;
    const controller = new AbortController();
    void (async () => {
      const problems = await filesReady(report);
      if (controller.signal.aborted) return;
      setFileProblems(problems);
      for (const cell of report.notebook.cells) {
        if (controller.signal.aborted) return;
        if (cell.kind !== 'sql' || cell.source.trim() === '') continue;
        setRuntimes((r) => ({ ...r, [cell.id]: { status: 'running' } }));
        try {
          const result = await serial(() =>
            runCell(engine, {
              sql: cell.source,
              parameters: report.notebook.parameters,
              values,
              // A report runs in the viewer's browser: the server path is the workbench's, not a reader's.
              runOn: 'browser',
              ...(cell.name ? { name: cell.name } : {}),
              // Lake tables only: the server leaves out names of the report's files, which are stored tables here.
              tables: report.tables,
              signal: controller.signal,
              getSnapshot: (ref) =>
                reportApi.getSnapshot(report.id, {
                  table: ref.table,
                  ...(ref.version !== undefined ? { version: ref.version } : {}),
                  ...(ref.timestamp !== undefined ? { timestamp: ref.timestamp } : {}),
                }),
            }),
          );
          setRuntimes((r) => ({ ...r, [cell.id]: { status: 'done', result, runs: 1 } }));
        } catch (e) {
          if (e instanceof QueryCancelledError || controller.signal.aborted) return;
          const position = e instanceof CellRunError ? e.position : null;
          setRuntimes((r) => ({
            ...r,
            [cell.id]: { status: 'error', error: { message: (e as Error).message, position }, runs: 1 },
          }));
        }
      }
    })();
    return () => controller.abort();
  }, [report, engine, values, serial, filesReady]);

  // Options queries go through the report's own snapshot route, like its cells (their tables count as read).
  const runOptionsQuery = useCallback(
    async (sql: string) => {
      if (!report) return [];
      await filesReady(report);
      const result = await serial(() =>
        runCell(engine, {
          sql,
          parameters: [],
          values: {},
          runOn: 'browser',
          tables: report.tables,
          signal: new AbortController().signal,
          getSnapshot: (ref) =>
            reportApi.getSnapshot(report.id, {
              table: ref.table,
              ...(ref.version !== undefined ? { version: ref.version } : {}),
              ...(ref.timestamp !== undefined ? { timestamp: ref.timestamp } : {}),
            }),
        }),
      );
      return firstColumnValues(result.table);
    },
    [report, engine, serial, filesReady],
  );

  const asOf = useMemo(
    () => (report ? asOfLine(report.pin, report.reads, loadedAt) : null),
    [report, loadedAt],
  );

  if (!allowed)
    return <AccessNotice user={user} permission="reports:read" next={`/reports/${id}`} what="reports" />;
  if (error) return <ErrorNotice error={error} />;
  if (!report) return <p className="wb-muted">Loading report…</p>;
  return (
    <article className="rp-report" data-testid="report" data-report-id={report.id}>
      <header className="page-header">
        <p className="eyebrow">
          Report · published by {report.publishedBy} on{' '}
          {new Date(report.publishedAt).toISOString().slice(0, 10)}
        </p>
        <h1>{report.title}</h1>
        <p className="rp-as-of" data-testid="report-as-of" data-pin={report.pin.kind}>
          {asOf}
        </p>
        {report.files.length > 0 ? (
          <p className="wb-muted" data-testid="report-files">
            Uploaded files, as published:{' '}
            {report.files
              .map((file) => `${file.name} (${file.format}, ${formatFileSize(file.size)})`)
              .join(', ')}
          </p>
        ) : null}
        {Object.entries(fileProblems).map(([name, message]) => (
          <p key={name} className="wb-error" role="alert" data-testid="report-file-error" data-file={name}>
            The file for table {name} could not be loaded, so cells that read it fail: {message}
          </p>
        ))}
        {report.notebook.parameters.length > 0 ? (
          <ParameterInputs
            defs={report.notebook.parameters}
            values={values}
            onChange={setValues}
            runOptionsQuery={runOptionsQuery}
          />
        ) : null}
        {report.canManage ? (
          <p className="wb-muted">
            <a href={`/workbench/${encodeURIComponent(report.id)}`}>Open the notebook</a> to change or publish
            it again.
          </p>
        ) : null}
      </header>
      {report.notebook.cells.map((cell) => (
        <ReportCell key={cell.id} cell={cell} runtime={runtimes[cell.id]} />
      ))}
    </article>
  );
}
