'use client';
// Runs cells against one browser engine per page: one cell at a time, with cancel, run-all in order (stopping at
// the first failure), and each cell's status, result or error. Parameter values are bound into each cell's SQL;
// a parameter's options query goes through the same engine, queued behind (never beside) a cell's run.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Table } from 'apache-arrow';
import type { Notebook } from '@/server/notebooks/types';
import type { TableSummary } from '@/server/api/workbench/types';
import type { ParameterValues } from '@/server/notebooks/parameter-types';
import { bindParameters } from '@/server/notebooks/parameters';
import { api } from '../api';
import { BrowserEngine, QueryCancelledError } from '../engine/browser-engine';
import { CellRunError, runCell } from '../engine/run-cell';
import type { ErrorPosition } from '../engine/error-position';
import type { ResultInfo } from '../results/result-view';
import { CELL_KIND_UI } from '../cells/registry';
import { logCleanupFailure } from '../../_lib/cleanup';

export interface CellRuntime {
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  /** Finished runs of the cell, so tests and tools can wait for the next one. */
  runs?: number;
  result?: ResultInfo;
  error?: { message: string; position: ErrorPosition | null };
}

export interface CellRunner {
  engine: BrowserEngine;
  runtimes: Record<string, CellRuntime>;
  runningId: string | null;
  /** Counts finished runs, so the history panel knows when to reload. */
  finishedRuns: number;
  run(cellId: string): Promise<boolean>;
  runAll(): Promise<void>;
  cancel(): Promise<void>;
  /** A read-only query outside any cell (a parameter's options), on the browser path cells use; no parameters. */
  runQuery(sql: string): Promise<Table>;
}

export function useCellRunner(
  notebook: Notebook | null,
  tables: readonly string[],
  values: ParameterValues,
  /** The catalog's tables with sizes and row counts: what Auto decides a cell's path from. */
  catalog: readonly TableSummary[] = [],
): CellRunner {
  const engineRef = useRef<BrowserEngine | null>(null);
  engineRef.current ??= new BrowserEngine();
  const engine = engineRef.current;
  const [runtimes, setRuntimes] = useState<Record<string, CellRuntime>>({});
  const [runningId, setRunningId] = useState<string | null>(null);
  const [finishedRuns, setFinishedRuns] = useState(0);
  const abort = useRef<AbortController | null>(null);
  // One query at a time per engine; a second Run while one is going is ignored (its button is disabled too).
  const busy = useRef(false);
  // The engine runs one query at a time: cells and options queries take turns through this chain.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const exclusive = useCallback(<T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.current.then(work, work);
    queue.current = next.catch(() => undefined);
    return next;
  }, []);
  const latest = useRef({ notebook, tables, values, catalog });
  latest.current = { notebook, tables, values, catalog };

  useEffect(() => {
    // Start the worker while the analyst reads the notebook, so the first run does not pay for it.
    void engine.warmUp().catch(logCleanupFailure('engine.warmUp()'));
    return () => {
      void engine.restart();
    };
  }, [engine]);

  const setRuntime = (id: string, runtime: CellRuntime) =>
    setRuntimes((current) => {
      const runs = (current[id]?.runs ?? 0) + (runtime.status === 'running' ? 0 : 1);
      return { ...current, [id]: { ...runtime, runs } };
    });

  const run = useCallback(
    async (cellId: string): Promise<boolean> => {
      const { notebook: current, tables: names, values: given, catalog } = latest.current;
      const cell = current?.cells.find((c) => c.id === cellId);
      // Each kind says what Run means for it (cells/<kind>); nothing to run counts as success, so Run all goes on.
      const query = cell ? CELL_KIND_UI[cell.kind].toQuery(cell) : null;
      if (!current || !cell || !query) return true;
      if (busy.current) return false;
      busy.current = true;
      const controller = new AbortController();
      abort.current = controller;
      setRunningId(cellId);
      setRuntime(cellId, { status: 'running' });
      // Auto's reason names a result by its cell's position ("re-slices the result of cell 2").
      const resultCells: Record<string, number> = {};
      current.cells.forEach((c, index) => {
        if (c.name) resultCells[c.name.toLowerCase()] = index + 1;
      });
      const boundOrAsWritten = (sql: string) => {
        try {
          return bindParameters(sql, current.parameters, given);
        } catch {
          return sql; // the run's error says what is wrong with the parameters
        }
      };
      const remember = (
        runOn: 'browser' | 'server',
        outcome: { elapsedMs?: number; rows?: number; error?: string },
      ) =>
        void api
          .recordHistory({
            // What ran, parameters bound, so reopening it from the history gives the same query.
            sql: boundOrAsWritten(query.sql),
            runOn,
            notebookId: current.id,
            ...(query.name ? { cellName: query.name } : {}),
            ...outcome,
          })
          .catch(logCleanupFailure('recording the query in the history'))
          .finally(() => setFinishedRuns((n) => n + 1));
      try {
        const result = await exclusive(() =>
          runCell(engine, {
            sql: query.sql,
            parameters: current.parameters,
            values: given,
            runOn: query.runOn,
            ...(query.name ? { name: query.name } : {}),
            tables: names,
            catalog,
            resultCells,
            signal: controller.signal,
          }),
        );
        setRuntime(cellId, { status: 'done', result });
        remember(result.runOn, { elapsedMs: Math.round(result.elapsedMs), rows: result.table.numRows });
        return true;
      } catch (error) {
        if (error instanceof QueryCancelledError || (error as Error).name === 'AbortError') {
          setRuntime(cellId, { status: 'cancelled' });
        } else {
          const position = error instanceof CellRunError ? error.position : null;
          setRuntime(cellId, { status: 'error', error: { message: (error as Error).message, position } });
          // Where it failed: the path it was on, else the cell's forced one (Auto before a path counts as browser).
          const failedOn =
            (error instanceof CellRunError ? error.runOn : null) ??
            (query.runOn === 'server' ? 'server' : 'browser');
          remember(failedOn, { error: (error as Error).message.slice(0, 2_000) });
        }
        return false;
      } finally {
        busy.current = false;
        if (abort.current === controller) abort.current = null;
        setRunningId((id) => (id === cellId ? null : id));
      }
    },
    [engine, exclusive],
  );

  const runQuery = useCallback(
    (sql: string): Promise<Table> =>
      exclusive(async () => {
        const result = await runCell(engine, {
          sql,
          parameters: [],
          values: {},
          runOn: 'browser',
          tables: latest.current.tables,
          signal: new AbortController().signal,
        });
        return result.table;
      }),
    [engine, exclusive],
  );

  const runAll = useCallback(async () => {
    for (const cell of latest.current.notebook?.cells ?? []) {
      if (!(await run(cell.id))) break;
    }
  }, [run]);

  const cancel = useCallback(async () => {
    abort.current?.abort();
    await engine.cancel();
  }, [engine]);

  return { engine, runtimes, runningId, finishedRuns, run, runAll, cancel, runQuery };
}
