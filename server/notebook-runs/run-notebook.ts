// Runs every SQL cell of a notebook on the server path, as the worker does for a scheduled notebook (issue 15):
// one native DuckDB for the whole run, so a later cell selects an earlier cell's result by name as it does in the
// browser; every table the cells name is pinned to one version before the first cell runs, so a commit landing
// mid-run changes nothing; the session is locked as the analysts' server path locks it (sandbox-session.ts: only
// pure queries, only the snapshots' files), plus the run's own output folder, where the runner itself writes each
// named result as Parquet. The files saved with the notebook become temp tables before the lock, as the notebook
// page loads them (load-saved-files.ts). A time limit and a cap on the outputs' bytes fail the run with a message
// saying which.
// Success or failure, the run is published whole (run-folders.ts): outputs only when every cell succeeded.

import os from 'node:os';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { planScan, quoteIdentifier, type SnapshotOptions } from '@/pipelines/delta';
import { listDeltaTables } from '@/pipelines/definition/table-roots';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '@/pipelines/engine/duckdb-session';
import type { DatasetDescription } from '@/pipelines/lineage';
import { describeDeltaTable } from '@/pipelines/runner/describe-lineage';
import { openSnapshot, tableRootOf } from '../api/workbench/catalog';
import { defineChangeView } from '../api/workbench/change-view';
import type { LakeContext } from '../api/workbench/lake-context';
import { checkPureQuery } from '../api/workbench/pure-query';
import { lockSession } from '../api/workbench/sandbox-session';
import { listNotebookFiles, type NotebookFileInfo } from '../notebooks/notebook-files';
import type { ParameterValues } from '../notebooks/parameter-types';
import { rewriteTimeTravel, type TableRef } from '../notebooks/sql-rewrite';
import type { Notebook, NotebookCell } from '../notebooks/types';
import { bindParameters } from '../notebooks/parameters';
import { loadSavedFiles } from './load-saved-files';
import { newRunId, type RunFolders } from './run-folders';
import type { NotebookRunManifest, NotebookRunOutput } from './types';

export interface NotebookRunLimits {
  /** From the first snapshot opened to the last output written. */
  timeoutMs: number;
  /** Parquet bytes of all outputs together. */
  maxResultBytes: number;
  threads: number;
  memoryLimit: string;
  maxSpill: string;
}

export const DEFAULT_RUN_LIMITS: NotebookRunLimits = {
  timeoutMs: 15 * 60_000,
  maxResultBytes: 256 * 1024 * 1024,
  threads: 2,
  memoryLimit: '2GB',
  maxSpill: '8GB',
};

export type NotebookRunErrorCode =
  'TIMEOUT' | 'RESULT_TOO_LARGE' | 'CANCELLED' | 'CELL_FAILED' | 'FILE_FAILED';

export class NotebookRunError extends Error {
  constructor(
    readonly code: NotebookRunErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NotebookRunError';
  }
}

export interface RunNotebookDeps {
  /** The lake and a small DuckDB for reading Delta logs (the run's own session is made here). */
  lake: LakeContext;
  folders: RunFolders;
  /** NOTEBOOKS_DIR: where the files saved with the notebook are (notebook-files.ts). */
  notebooksDir: string;
  limits?: Partial<NotebookRunLimits>;
  now?: () => Date;
  /** The worker's cancel, lost lock or shutdown. */
  signal?: AbortSignal;
  log?: (level: 'info' | 'warn' | 'error', message: string) => Promise<void>;
  progress?: (progress: { stage: string; cellsDone: number; cells: number }) => Promise<void>;
  /** Called before each SQL cell runs, after the versions are pinned (a test lands a commit here). */
  beforeCell?: (index: number, cell: NotebookCell) => Promise<void>;
}

export interface RunNotebookInput {
  notebook: Notebook;
  trigger: NotebookRunManifest['trigger'];
  parameters: ParameterValues;
  runId?: string;
}

export interface NotebookRunResult {
  manifest: NotebookRunManifest;
  /** The Delta tables read, at their pinned versions, as lineage inputs. */
  inputs: DatasetDescription[];
}

interface PlannedCell {
  cell: NotebookCell;
  /** The result name later cells and the outputs use. */
  name: string;
  sql: string;
}

const label = (planned: PlannedCell, index: number, count: number) =>
  `cell "${planned.name}" (${index + 1} of ${count})`;

/**
 * Cells with SQL to run, parameters bound and time travel rewritten, and every table they read. A saved file's
 * table is no lake table: its name is left to DuckDB, which finds the temp table. One that a cell reads as a lake
 * table too is refused, as the server query path refuses a result named like a lake table (query-upload.ts) and the
 * upload form a file named like one: the run does not pick one of the two silently.
 */
function planCells(
  notebook: Notebook,
  parameters: ParameterValues,
  tables: string[],
  files: readonly NotebookFileInfo[] = [],
): { cells: PlannedCell[]; refs: TableRef[] } {
  const defs = notebook.parameters;
  const refs = new Map<string, TableRef>();
  const cells: PlannedCell[] = [];
  for (const cell of notebook.cells) {
    if (cell.kind !== 'sql' || cell.source.trim() === '') continue;
    const name = cell.name ?? cell.id;
    let bound: string;
    try {
      bound = bindParameters(cell.source, defs, parameters);
    } catch (cause) {
      throw new NotebookRunError('CELL_FAILED', `cell "${name}": ${(cause as Error).message}`, { cause });
    }
    const rewritten = rewriteTimeTravel(bound, tables);
    for (const ref of rewritten.refs) {
      const clash = files.find((file) =>
        [ref.view, ref.table].some((lakeName) => lakeName.toLowerCase() === file.name),
      );
      if (clash)
        throw new NotebookRunError(
          'FILE_FAILED',
          `cell "${name}" reads ${clash.name}, which is both a lake table and a file saved with this notebook ` +
            `(${clash.name}.${clash.format}); save the file under another table name`,
        );
    }
    for (const ref of rewritten.refs) if (!refs.has(ref.view)) refs.set(ref.view, ref);
    cells.push({ cell, name, sql: rewritten.sql });
  }
  return { cells, refs: [...refs.values()] };
}

/** Runs the notebook and publishes the run (succeeded or failed); throws only when it cannot be recorded. */
export async function runNotebook(
  deps: RunNotebookDeps,
  input: RunNotebookInput,
): Promise<NotebookRunResult> {
  const limits = { ...DEFAULT_RUN_LIMITS, ...deps.limits };
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (async () => undefined);
  const started = now();
  const runId = input.runId ?? newRunId(started);
  const manifest: NotebookRunManifest = {
    notebookId: input.notebook.id,
    runId,
    title: input.notebook.title,
    status: 'running',
    trigger: input.trigger,
    startedAt: started.toISOString(),
    finishedAt: null,
    durationMs: null,
    parameters: input.parameters,
    versions: {},
    outputs: [],
    error: null,
    delivery: [],
  };
  const inputs: DatasetDescription[] = [];
  const tempDir = await deps.folders.startRun(input.notebook.id, runId);
  let session: DuckDbSession | null = null;
  let stopped: NotebookRunError | null = null;
  const stop = (error: NotebookRunError) => {
    stopped ??= error;
    session?.connection.interrupt();
  };
  const timer = setTimeout(
    () =>
      stop(
        new NotebookRunError(
          'TIMEOUT',
          `The run passed its time limit of ${Math.round(limits.timeoutMs / 1000)} s and was stopped; ` +
            'narrow the cells (a filter, an aggregate) or ask an admin for a longer limit',
        ),
      ),
    limits.timeoutMs,
  );
  const onAbort = () =>
    stop(
      new NotebookRunError('CANCELLED', `The run was stopped: ${String(deps.signal?.reason ?? 'aborted')}`),
    );
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  if (deps.signal?.aborted) onAbort();
  const releases: (() => Promise<void>)[] = [];
  const checkStopped = () => {
    if (stopped) throw stopped;
  };
  try {
    const tables = (await listDeltaTables(deps.lake.storage)).map((table) => table.name);
    const savedFiles = await listNotebookFiles(deps.notebooksDir, input.notebook.id);
    const { cells, refs } = planCells(input.notebook, input.parameters, tables, savedFiles);
    session = await createDuckDbSession({ threads: limits.threads, memoryLimit: limits.memoryLimit });
    await session.run(`SET max_temp_directory_size = ${toSqlString(limits.maxSpill)}`);
    // Pin: every snapshot is opened before the first cell runs.
    const files: string[] = [];
    for (const ref of refs) {
      checkStopped();
      if (ref.changes) {
        const view = await defineChangeView(deps.lake, session, ref.view, ref.table, ref.changes);
        releases.push(view.release);
        files.push(...view.files);
        manifest.versions[`${ref.table}@changes`] = view.version;
        inputs.push(
          describeDeltaTable(deps.lake.storage.rootUrl, os.hostname(), tableRootOf(ref.table), view.version),
        );
        continue;
      }
      const options: SnapshotOptions =
        ref.version !== undefined
          ? { version: ref.version }
          : ref.timestamp !== undefined
            ? { timestamp: ref.timestamp }
            : {};
      const snapshot = await openSnapshot(deps.lake, ref.table, options);
      const plan = await planScan({ storage: deps.lake.storage, duckdb: session }, snapshot);
      releases.push(plan.release);
      files.push(...plan.files);
      await session.run(`CREATE TEMP VIEW ${quoteIdentifier(ref.view)} AS ${plan.sql}`);
      const key =
        ref.version === undefined && ref.timestamp === undefined
          ? ref.table
          : `${ref.table}@${snapshot.version}`;
      manifest.versions[key] = snapshot.version;
      inputs.push(
        describeDeltaTable(
          deps.lake.storage.rootUrl,
          os.hostname(),
          tableRootOf(ref.table),
          snapshot.version,
        ),
      );
    }
    await log(
      'info',
      `pinned ${
        Object.entries(manifest.versions)
          .map(([t, v]) => `${t}@${v}`)
          .join(', ') || 'no tables'
      }`,
    );
    const loaded = await loadSavedFiles(
      session,
      deps.notebooksDir,
      input.notebook.id,
      savedFiles,
      checkStopped,
    ).catch((cause: unknown) => {
      checkStopped();
      throw new NotebookRunError('FILE_FAILED', (cause as Error).message, { cause });
    });
    for (const file of loaded)
      await log('info', `loaded uploaded table ${file.name} (${file.format}, ${file.rows} rows)`);
    await lockSession(session, { files, maxSpill: limits.maxSpill, directories: [`${tempDir}${path.sep}`] });
    let bytes = 0;
    for (const [index, planned] of cells.entries()) {
      checkStopped();
      await deps.beforeCell?.(index, planned.cell);
      await deps.progress?.({ stage: 'cells', cellsDone: index, cells: cells.length });
      const output = await runCell(session, planned, tempDir).catch((cause: unknown) => {
        checkStopped();
        throw new NotebookRunError(
          'CELL_FAILED',
          `${label(planned, index, cells.length)} failed: ${(cause as Error).message}`,
          { cause },
        );
      });
      checkStopped();
      if (output) {
        bytes += output.bytes;
        if (bytes > limits.maxResultBytes) {
          throw new NotebookRunError(
            'RESULT_TOO_LARGE',
            `The run's results passed the size cap of ${formatBytes(limits.maxResultBytes)} at ` +
              `${label(planned, index, cells.length)} (${formatBytes(bytes)} so far); add a filter, an aggregate or a LIMIT`,
          );
        }
        manifest.outputs = [...manifest.outputs.filter((o) => o.name !== output.name), output];
        await log('info', `${planned.name}: ${output.rows} rows, ${formatBytes(output.bytes)}`);
      }
    }
    await deps.progress?.({ stage: 'done', cellsDone: cells.length, cells: cells.length });
    manifest.status = 'succeeded';
  } catch (error) {
    manifest.status = 'failed';
    manifest.error = (stopped ?? (error as Error)).message;
    manifest.outputs = [];
  } finally {
    clearTimeout(timer);
    deps.signal?.removeEventListener('abort', onAbort);
    session?.close();
    await Promise.all(releases.map((release) => release()));
  }
  const finished = now();
  manifest.finishedAt = finished.toISOString();
  manifest.durationMs = finished.getTime() - started.getTime();
  if (manifest.status === 'failed') {
    // A failed run keeps no outputs: publish a fresh folder holding only its manifest.
    await deps.folders.discard(tempDir);
    await deps.folders.publishRun(await deps.folders.startRun(input.notebook.id, runId), manifest);
  } else {
    await deps.folders.publishRun(tempDir, manifest);
  }
  return { manifest, inputs };
}

/** One cell: its checked query kept as a temp table under its name, written as <name>.parquet. */
async function runCell(
  session: DuckDbSession,
  planned: PlannedCell,
  dir: string,
): Promise<NotebookRunOutput | null> {
  const text = await checkPureQuery(session, planned.sql);
  // A plan is no result to keep; it is checked and run like any cell, and nothing is stored.
  if (/^\s*EXPLAIN\b/i.test(text)) {
    await session.run(text);
    return null;
  }
  const table = quoteIdentifier(planned.name);
  // The checked text is exactly one query; the newline keeps a trailing `--` comment off the closing parenthesis.
  const create = `CREATE OR REPLACE TEMP TABLE ${table} AS (\n${text}\n)`;
  const statements = await session.connection.extractStatements(create);
  if (statements.count !== 1) throw new Error('the cell must hold exactly one query');
  await session.run(create);
  const file = `${planned.name}.parquet`;
  const target = path.join(dir, file);
  await session.run(`COPY ${table} TO ${toSqlString(target)} (FORMAT parquet, COMPRESSION zstd)`);
  const described = await session.queryJson(`DESCRIBE ${table}`);
  const [{ n }] = (await session.queryJson(`SELECT count(*)::BIGINT AS n FROM ${table}`)) as [{ n: unknown }];
  return {
    name: planned.name,
    cellId: planned.cell.id,
    file,
    rows: Number(n),
    bytes: (await stat(target)).size,
    columns: described.map((row) => ({ name: String(row.column_name), type: String(row.column_type) })),
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
