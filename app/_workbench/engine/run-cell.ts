'use client';
// Running one SQL cell on either path: parameters substituted, time travel rewritten, each lake table the SQL names
// defined as a view over its snapshot (browser) or listed for the server, then the query run and, for a named
// cell, its result kept under that name for later cells.

import { tableFromIPC, type Table } from 'apache-arrow';
import { api, runOnServer } from '../api';
import { QueryCancelledError, type BrowserEngine } from './browser-engine';
import { findErrorPosition, type ErrorPosition } from './error-position';
import { applyParameters, rewriteTimeTravel, toOriginalOffset, type TableRef } from './sql-rewrite';
import { offsetToPosition, positionToOffset } from './error-position';

/** Rows a browser result may hold before the cell is stopped and the server path offered instead. */
export const BROWSER_MAX_ROWS = 1_000_000;
export const SERVER_MAX_ROWS = 1_000_000;

export interface CellRunInput {
  sql: string;
  parameters: Record<string, string>;
  runOn: 'browser' | 'server';
  /** Name to keep the result under, if any. */
  name?: string;
  /** Lake table names from the catalog. */
  tables: readonly string[];
  signal: AbortSignal;
}

export interface CellRunResult {
  table: Table;
  elapsedMs: number;
  truncated: boolean;
  runOn: 'browser' | 'server';
  /** Snapshot version read for each view. */
  versions: Record<string, number>;
}

export class CellRunError extends Error {
  /** Where DuckDB says the error is, in the cell's own text. */
  readonly position: ErrorPosition | null;

  constructor(message: string, position: ErrorPosition | null) {
    super(message);
    this.name = 'CellRunError';
    this.position = position;
  }
}

async function defineViews(engine: BrowserEngine, refs: TableRef[]): Promise<Record<string, number>> {
  const versions: Record<string, number> = {};
  await Promise.all(
    refs.map(async (ref) => {
      const snapshot = await api.getSnapshot(ref.table, {
        ...(ref.version !== undefined ? { version: ref.version } : {}),
        ...(ref.timestamp !== undefined ? { timestamp: ref.timestamp } : {}),
      });
      if (!engine.hasView(ref.view, snapshot.version)) await engine.defineView(ref.view, snapshot);
      versions[ref.view] = snapshot.version;
    }),
  );
  return versions;
}

export async function runCell(engine: BrowserEngine, input: CellRunInput): Promise<CellRunResult> {
  const withParameters = applyParameters(input.sql, input.parameters);
  const rewritten = rewriteTimeTravel(withParameters, input.tables);
  const mapError = (error: unknown): never => {
    if (error instanceof QueryCancelledError || (error as Error).name === 'AbortError') throw error;
    const message = error instanceof Error ? error.message : String(error);
    const at = findErrorPosition(message, rewritten.sql);
    let position: ErrorPosition | null = null;
    if (at) {
      const offset = toOriginalOffset(rewritten, positionToOffset(rewritten.sql, at));
      // Parameters change lengths too; only map when the cell had none, otherwise point at the line.
      position =
        withParameters === input.sql ? offsetToPosition(input.sql, offset) : { line: at.line, column: 1 };
    }
    throw new CellRunError(message, position);
  };
  let result: CellRunResult;
  // Elapsed time is what the analyst waits for: snapshot lookup and view set-up included.
  const started = performance.now();
  if (input.runOn === 'server') {
    const { bytes, versions } = await runOnServer(
      { sql: rewritten.sql, tables: rewritten.refs, maxRows: SERVER_MAX_ROWS + 1 },
      input.signal,
    ).catch(mapError);
    const table = tableFromIPC(bytes);
    const truncated = table.numRows > SERVER_MAX_ROWS;
    result = {
      table: truncated ? table.slice(0, SERVER_MAX_ROWS) : table,
      elapsedMs: performance.now() - started,
      truncated,
      runOn: 'server',
      versions,
    };
  } else {
    const versions = await defineViews(engine, rewritten.refs).catch(mapError);
    const outcome = await engine.run(rewritten.sql, BROWSER_MAX_ROWS).catch(mapError);
    result = { ...outcome, elapsedMs: performance.now() - started, runOn: 'browser', versions };
  }
  if (input.name) await engine.storeResult(input.name, result.table);
  return result;
}
