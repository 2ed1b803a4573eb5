'use client';
// Running one SQL cell on either path: parameters bound as typed literals, time travel rewritten, the path chosen
// (the cell's own choice, or Auto: ./placement.ts, falling back to the browser when the server is busy), each lake
// table the SQL names defined as a view over its snapshot (browser) or listed for the server, then the query run
// and, for a named cell, its result kept under that name for later cells.

import { tableFromIPC, type Table } from 'apache-arrow';
import type { SnapshotView, TableSummary } from '@/server/api/workbench/types';
import { ApiClientError } from '../../_lib/api-client';
import { api, runOnServer } from '../api';
import {
  decidePlacement,
  type EnginePath,
  type Placement,
  type PlacementResult,
  type PlacementTable,
  type RunChoice,
} from './placement';
import { splitResultCut } from './result-cut';
import { markSpan, QueryCancelledError, type BrowserEngine } from './browser-engine';
import { findErrorPosition, type ErrorPosition } from './error-position';
import {
  bindParameterSql,
  ParameterError,
  toUnboundOffset,
  type BoundSql,
} from '@/server/notebooks/parameters';
import type { ParameterDef, ParameterValues } from '@/server/notebooks/parameter-types';
import {
  rewriteTimeTravel,
  tokenizeSql,
  toOriginalOffset,
  type TableRef,
} from '@/server/notebooks/sql-rewrite';
import { offsetToPosition, positionToOffset } from './error-position';

/** Rows a browser result may hold before the cell is stopped and the server path offered instead. */
export const BROWSER_MAX_ROWS = 1_000_000;
export const SERVER_MAX_ROWS = 1_000_000;
/** Arrow bytes a browser result may hold: wide rows reach a tab's memory limit long before BROWSER_MAX_ROWS. */
export const BROWSER_MAX_BYTES = 384 * 1024 * 1024;

export interface CellRunInput {
  sql: string;
  /** The notebook's parameters and the values this run gives them (defaults fill the gaps). */
  parameters: readonly ParameterDef[];
  values: ParameterValues;
  /** The cell's choice: a path, or Auto (decided per run from `catalog` and what the page holds). */
  runOn: RunChoice;
  /** Name to keep the result under, if any. */
  name?: string;
  /** Lake table names from the catalog. */
  tables: readonly string[];
  /** The catalog's tables with their sizes and row counts, for Auto; without them Auto sees sizes as unknown. */
  catalog?: readonly TableSummary[];
  /** 1-based cell position of each named result (lower-cased name), for Auto's reason. */
  resultCells?: Readonly<Record<string, number>>;
  signal: AbortSignal;
  /**
   * Where a table reference's snapshot comes from: the catalog's snapshot route by default; a report reads through
   * its own route (app/_reports), which serves only the versions the report reads.
   */
  getSnapshot?: SnapshotSource;
}

export type SnapshotSource = (ref: TableRef) => Promise<SnapshotView>;

const catalogSnapshot: SnapshotSource = (ref) =>
  api.getSnapshot(ref.table, {
    ...(ref.version !== undefined ? { version: ref.version } : {}),
    ...(ref.timestamp !== undefined ? { timestamp: ref.timestamp } : {}),
  });

export interface CellRunResult {
  table: Table;
  elapsedMs: number;
  truncated: boolean;
  runOn: EnginePath;
  /** Where the cell ran and why (shown under the cell). */
  placement: Placement;
  /** Snapshot version read for each view. */
  versions: Record<string, number>;
}

export class CellRunError extends Error {
  /** Where DuckDB says the error is, in the cell's own text. */
  readonly position: ErrorPosition | null;
  /** The path the cell failed on; null when it failed before one was chosen (a parameter). */
  readonly runOn: EnginePath | null;

  constructor(message: string, position: ErrorPosition | null, runOn: EnginePath | null = null) {
    super(message);
    this.name = 'CellRunError';
    this.position = position;
    this.runOn = runOn;
  }
}

async function defineViews(
  engine: BrowserEngine,
  refs: TableRef[],
  getSnapshot: SnapshotSource,
): Promise<Record<string, number>> {
  const versions: Record<string, number> = {};
  await Promise.all(
    refs.map(async (ref) => {
      const begin = performance.now();
      const snapshot = await getSnapshot(ref);
      markSpan('snapshot', begin);
      if (!engine.hasView(ref.view, snapshot.version)) await engine.defineView(ref.view, snapshot);
      versions[ref.view] = snapshot.version;
    }),
  );
  return versions;
}

/**
 * Earlier cells' results that the SQL names (any identifier that is not a lake view), as Parquet for the server
 * path. Over-matching a column that happens to share a result's name only costs an upload.
 */
function findResults(engine: BrowserEngine, sql: string, refs: TableRef[]): Map<string, Table> {
  const views = new Set(refs.map((ref) => ref.view.toLowerCase()));
  const tokens = tokenizeSql(sql);
  const found = new Map<string, Table>();
  tokens.forEach((token, index) => {
    if (token.kind !== 'word' && token.kind !== 'quoted') return;
    if (tokens[index - 1]?.text === '.' || views.has(token.value.toLowerCase())) return;
    const result = engine.findResult(token.value);
    if (result) found.set(result.name, result.table);
  });
  return found;
}

async function collectResults(
  engine: BrowserEngine,
  sql: string,
  refs: TableRef[],
): Promise<{ name: string; parquet: Uint8Array }[]> {
  const results: { name: string; parquet: Uint8Array }[] = [];
  for (const [name, table] of findResults(engine, sql, refs)) {
    results.push({ name, parquet: await engine.toParquet(table) });
  }
  return results;
}

const arrowBytes = (table: Table) => table.batches.reduce((sum, batch) => sum + batch.data.byteLength, 0);

/**
 * What Auto knows before the run: each lake table's size and row count from the catalog (its current version; a
 * time-travel read is sized by it too, which is close for the tables a county keeps), whether this page already
 * read that version, and the earlier results the SQL selects from.
 */
function placementFacts(
  engine: BrowserEngine,
  input: CellRunInput,
  sql: string,
  refs: TableRef[],
): { tables: PlacementTable[]; results: PlacementResult[] } {
  const byName = new Map((input.catalog ?? []).map((summary) => [summary.name, summary]));
  const tables = refs.map((ref): PlacementTable => {
    const summary = byName.get(ref.table);
    const version =
      ref.timestamp !== undefined ? engine.viewVersion(ref.view) : (ref.version ?? summary?.version);
    return {
      table: ref.table,
      sizeBytes: summary?.sizeBytes ?? 0,
      rowCount: summary ? summary.rowCount : null,
      columns: summary?.columns.map((column) => column.name) ?? [],
      inBrowser: version !== undefined && engine.viewVersion(ref.view) === version,
      // Variant columns, top level or nested (those show as JSON): DuckDB-WASM cannot decode them.
      serverOnly: summary?.columns.some(
        (column) => column.deltaType === 'variant' || /\bJSON\b/.test(column.duckdbType),
      )
        ? 'has variant columns, which only the server path decodes'
        : null,
      changes: ref.changes !== undefined,
    };
  });
  const results = [...findResults(engine, sql, refs)].map(([name, table]): PlacementResult => ({
    name,
    cell: input.resultCells?.[name.toLowerCase()] ?? null,
    rows: table.numRows,
    bytes: arrowBytes(table),
  }));
  return { tables, results };
}

/** The server path answered that it is at its concurrency limit (or unavailable): Auto runs the cell here. */
function serverBusy(error: unknown): error is ApiClientError {
  return error instanceof ApiClientError && (error.status === 429 || error.status === 503);
}

/** The cell's SQL with its parameters bound; a parameter's problem is the cell's error, at the placeholder. */
function bindCell(input: CellRunInput): BoundSql {
  try {
    return bindParameterSql(input.sql, input.parameters, input.values);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    const position = error.offset === null ? null : offsetToPosition(input.sql, error.offset);
    throw new CellRunError(error.message, position);
  }
}

export async function runCell(engine: BrowserEngine, input: CellRunInput): Promise<CellRunResult> {
  const bound = bindCell(input);
  const rewritten = rewriteTimeTravel(bound.sql, input.tables);
  const facts = placementFacts(engine, input, rewritten.sql, rewritten.refs);
  let placement = decidePlacement({ choice: input.runOn, sql: rewritten.sql, ...facts });
  const mapError = (error: unknown): never => {
    if (error instanceof QueryCancelledError || (error as Error).name === 'AbortError') throw error;
    const message = error instanceof Error ? error.message : String(error);
    const at = findErrorPosition(message, rewritten.sql);
    let position: ErrorPosition | null = null;
    if (at) {
      // Back through both rewrites: time travel, then the parameters' literals.
      const offset = toUnboundOffset(bound, toOriginalOffset(rewritten, positionToOffset(rewritten.sql, at)));
      position = offsetToPosition(input.sql, offset);
    }
    throw new CellRunError(message, position, placement.runOn);
  };
  let result: CellRunResult;
  // Elapsed time is what the analyst waits for: snapshot lookup and view set-up included.
  const started = performance.now();
  const runInBrowser = async (): Promise<Omit<CellRunResult, 'placement'>> => {
    // The change feed reads every commit of a range and the files they added and removed: a server-path job only.
    const changes = rewritten.refs.find((ref) => ref.changes);
    if (changes) {
      throw new CellRunError(
        `table_changes('${changes.table}', …) runs on the server path only: switch this cell to Server or Auto`,
        null,
        'browser',
      );
    }
    const versions = await defineViews(engine, rewritten.refs, input.getSnapshot ?? catalogSnapshot).catch(
      mapError,
    );
    const queryStart = performance.now();
    const outcome = await engine.run(rewritten.sql, BROWSER_MAX_ROWS, BROWSER_MAX_BYTES).catch(mapError);
    markSpan('query', queryStart);
    return { ...outcome, elapsedMs: performance.now() - started, runOn: 'browser', versions };
  };
  if (placement.runOn === 'server') {
    const results = await collectResults(engine, rewritten.sql, rewritten.refs);
    const answer = await runOnServer(
      { sql: rewritten.sql, tables: rewritten.refs, maxRows: SERVER_MAX_ROWS + 1 },
      input.signal,
      results,
    ).catch((error: unknown) => {
      // Busy (429: the concurrency limit; 503: unavailable): Auto does not make the analyst wait or retry.
      // A cell only the server can run is not tried here: the analyst sees why the server refused it.
      if (placement.auto && !placement.serverOnly && serverBusy(error)) {
        placement = {
          runOn: 'browser',
          auto: true,
          reason:
            error.status === 429
              ? 'the server is running as many queries as it allows, so Auto ran it here instead'
              : 'the server path is unavailable, so Auto ran it here instead',
        };
        return null;
      }
      return mapError(error);
    });
    if (answer) {
      const { bytes, versions } = answer;
      // A result past the server's byte cap arrives cut, with a trailer saying so: shown as truncated too.
      const { arrow, cut } = splitResultCut(bytes);
      // A query stopped after its first rows (its time limit) says why in the trailer: shown as the cell's error.
      if (cut?.cut === 'error') throw new CellRunError(cut.message, null, 'server');
      const table = tableFromIPC(arrow);
      const truncated = cut !== null || table.numRows > SERVER_MAX_ROWS;
      result = {
        table: truncated ? table.slice(0, SERVER_MAX_ROWS) : table,
        elapsedMs: performance.now() - started,
        truncated,
        runOn: 'server',
        placement,
        versions,
      };
    } else {
      result = { ...(await runInBrowser()), placement };
    }
  } else {
    result = { ...(await runInBrowser()), placement };
  }
  if (input.name) await engine.storeResult(input.name, result.table);
  return result;
}
