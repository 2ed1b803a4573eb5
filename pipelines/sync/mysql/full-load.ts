// Initial load and resync: build `<t>__shadow`, fill it (LOAD DATA LOCAL INFILE from a CSV DuckDB writes when the
// server allows it, batched INSERTs otherwise), check its row count against the snapshot, then swap it in with one
// RENAME TABLE so readers never see a half-loaded table.

import { execFile } from 'node:child_process';
import { constants, createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planScan, type Snapshot } from '../../delta/index';
import { buildCsvCopySql, buildExportSelect, buildMeasureSql, getExportAlias } from '../duckdb-sql';
import { quoteIdentifier } from '../../delta/schema';
import { SyncError } from '../errors';
import type { SyncEffects, SyncTableOptions } from '../types';
import { groupRows } from './batches';
import type { MySqlClient } from './connection';
import { buildCreateTableSql, buildDropTableSql, buildSwapTablesSql } from './ddl';
import { buildInsertSql, buildLoadDataSql } from './dml';
import { getOldTableName, getShadowTableName, quoteTable } from './identifiers';
import { readKeyOrder, type KeyOrder } from './scan-order';
import { mapDeltaSchema, type MySqlColumn } from './type-mapping';

/** Rows per key range of a load in ranges (about 130 MB of CSV for the demo's widest table). */
export const LOAD_RANGE_ROWS = 250_000;

export interface FullLoadResult {
  rows: number;
  columns: MySqlColumn[];
  method: 'load-data' | 'insert';
}

/** Longest value of each top-level string/binary column and the row count of a query over Delta columns. */
export async function measureColumns(
  effects: Pick<SyncEffects, 'duckdb'>,
  sourceSql: string,
  fields: { name: string; type: unknown }[],
): Promise<{ rowCount: number; lengths: Record<string, number> }> {
  const sized = fields
    .filter((field) => field.type === 'string' || field.type === 'binary')
    .map((field) => ({ name: field.name, kind: field.type as 'string' | 'binary' }));
  const [row] = await effects.duckdb.queryJson(buildMeasureSql(sourceSql, sized));
  const lengths: Record<string, number> = {};
  sized.forEach((field, index) => {
    const value = row?.[`m${index}`];
    if (value !== null && value !== undefined) lengths[field.name] = Number(value);
  });
  return { rowCount: Number(row?.row_count ?? 0), lengths };
}

export async function tableExists(client: MySqlClient, table: string): Promise<boolean> {
  const rows = await client.query(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  );
  return rows.length > 0;
}

async function isLocalInfileAllowed(client: MySqlClient): Promise<boolean> {
  const [row] = await client.query<{ v: unknown }>('SELECT @@GLOBAL.local_infile AS v');
  return Number(row?.v) === 1 || String(row?.v).toUpperCase() === 'ON';
}

/** Creates a named pipe (POSIX); false where there is none, and the CSV goes through a file instead. */
async function makeFifo(fifoPath: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  return new Promise((resolve) => {
    execFile('mkfifo', ['-m', '600', fifoPath], (error) => resolve(!error));
  });
}

/**
 * DuckDB writes the CSV into a named pipe while MySQL reads it, so export and load overlap. If either side fails,
 * the other is unblocked (the pipe opened and drained, or opened and closed) so nothing waits forever.
 */
async function streamThroughFifo(
  effects: SyncEffects,
  client: MySqlClient,
  fifo: string,
  copySql: string,
  loadSql: string,
): Promise<{ rows: number; warnings: number }> {
  const copy = effects.duckdb.run(copySql).catch(async (error: unknown) => {
    // Give the reader an end of file if DuckDB never opened the pipe.
    // Retried: opening a pipe's write end without blocking fails (ENXIO) until the reader has opened it.
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
      if (handle) {
        await handle.close();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw error;
  });
  const load = client.loadLocalFile(loadSql, fifo).catch(async (error: unknown) => {
    // Drain what DuckDB still writes, so its COPY can finish.
    const drain = createReadStream(fifo);
    drain.resume();
    await new Promise<void>((resolve) => drain.on('close', () => resolve()).on('error', () => resolve()));
    throw error;
  });
  const [copied, loaded] = await Promise.allSettled([copy, load]);
  if (loaded.status === 'rejected') throw loaded.reason;
  if (copied.status === 'rejected') throw copied.reason;
  return loaded.value;
}

async function loadWithLoadData(
  effects: SyncEffects,
  client: MySqlClient,
  shadow: string,
  columns: MySqlColumn[],
  exportSql: string,
): Promise<{ rows: number; warnings: string[] }> {
  const dir = await mkdtemp(path.join(effects.tempDir ?? tmpdir(), 'mysql-sync-'));
  try {
    const csv = path.join(dir, 'rows.csv');
    const started = performance.now();
    // Rows arrive in key order (sorted, or already so: scan-order.ts), so InnoDB appends pages instead of splitting
    // them. No `unique_checks = 0`: it switches MariaDB 10.6+ to its bulk-insert path for empty tables, which
    // measured about 2x slower here.
    const loaded = (await makeFifo(csv))
      ? await streamThroughFifo(
          effects,
          client,
          csv,
          buildCsvCopySql(exportSql, columns, csv),
          buildLoadDataSql(shadow, columns, csv),
        )
      : await (async () => {
          await effects.duckdb.run(buildCsvCopySql(exportSql, columns, csv));
          return client.loadLocalFile(buildLoadDataSql(shadow, columns, csv), csv);
        })();
    effects.log?.(
      `[sync] ${shadow}: CSV export + LOAD DATA took ${Math.round(performance.now() - started)} ms`,
    );
    if (loaded.warnings === 0) return { rows: loaded.rows, warnings: [] };
    // Read them now: the next statement clears the list.
    const shown = await client.query<{ Message: string }>('SHOW WARNINGS LIMIT 3');
    return {
      rows: loaded.rows,
      warnings: [`${loaded.warnings} warning(s)`, ...shown.map((warning) => warning.Message)],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Rows already in key order, cut into key ranges: each range is exported to a CSV file while MariaDB loads the
 * previous one (at most two files on disk). Measured on the demo's service requests, DuckDB writing into the named
 * pipe took 15-18 s of CPU against 6-7.5 s writing a file (it waits on the pipe's reader), so files in turn keep
 * export and load overlapping without that cost. Each range is its own LOAD DATA into the shadow table, which no
 * reader sees until the swap.
 */
async function loadInKeyRanges(
  effects: SyncEffects,
  client: MySqlClient,
  shadow: string,
  columns: MySqlColumn[],
  sourceSql: string,
  key: string,
  chunks: KeyOrder['chunks'],
): Promise<{ rows: number; warnings: string[] }> {
  const dir = await mkdtemp(path.join(effects.tempDir ?? tmpdir(), 'mysql-sync-'));
  const started = performance.now();
  const exportRange = async (index: number): Promise<string> => {
    const range = chunks[index] as KeyOrder['chunks'][number];
    const file = path.join(dir, `rows-${index}.csv`);
    // Bounds are integer literals (scan-order.ts checked them); Parquet row-group stats skip the other ranges.
    const rangeSql = `SELECT * FROM (${sourceSql}) AS r WHERE r.${quoteIdentifier(key)} BETWEEN ${range.low} AND ${range.high}`;
    await effects.duckdb.run(buildCsvCopySql(buildExportSelect(rangeSql, columns, []), columns, file));
    return file;
  };
  let pending: Promise<string> | null = exportRange(0);
  let rows = 0;
  try {
    for (let index = 0; index < chunks.length; index += 1) {
      const file = await (pending as Promise<string>);
      pending = index + 1 < chunks.length ? exportRange(index + 1) : null;
      // Its failure is thrown where it is awaited; this only keeps it from being "unhandled" meanwhile.
      pending?.catch(() => undefined);
      const loaded = await client.loadLocalFile(buildLoadDataSql(shadow, columns, file), file);
      rows += loaded.rows;
      await rm(file, { force: true });
      if (loaded.warnings > 0) {
        // Read them now: the next statement clears the list.
        const shown = await client.query<{ Message: string }>('SHOW WARNINGS LIMIT 3');
        return { rows, warnings: [`${loaded.warnings} warning(s)`, ...shown.map((w) => w.Message)] };
      }
    }
    effects.log?.(
      `[sync] ${shadow}: CSV export + LOAD DATA of ${chunks.length} key ranges took ${Math.round(performance.now() - started)} ms`,
    );
    return { rows, warnings: [] };
  } finally {
    // No file is removed under a running export.
    await pending?.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadWithInserts(
  effects: SyncEffects,
  client: MySqlClient,
  shadow: string,
  columns: MySqlColumn[],
  exportSql: string,
  batchRows: number,
): Promise<void> {
  const aliases = columns.map((_, index) => getExportAlias(index));
  let index = 0;
  for await (const batch of groupRows(effects.duckdb.streamJson(exportSql), aliases, batchRows)) {
    await effects.beforeBatch?.({ index, kind: 'insert', rows: batch.length, client });
    await client.execute(buildInsertSql(shadow, columns, batch.length, false), batch.flat());
    index += 1;
  }
}

/** Loads the snapshot into a shadow table and swaps it in; returns the loaded row count and the mapping used. */
export async function loadFullTable(
  effects: SyncEffects,
  client: MySqlClient,
  options: SyncTableOptions,
  snapshot: Snapshot,
): Promise<FullLoadResult> {
  const table = options.mysqlTable;
  const shadow = getShadowTableName(table);
  const old = getOldTableName(table);
  const plan = await planScan(effects, snapshot);
  try {
    let started = performance.now();
    const measured = await measureColumns(effects, plan.sql, snapshot.schema.fields);
    effects.log?.(`[sync] ${table}: measured in ${Math.round(performance.now() - started)} ms`);
    const columns = mapDeltaSchema(snapshot.schema, {
      keyColumns: options.keyColumns,
      indexColumns: (options.indexes ?? []).flat(),
      valueLengths: measured.lengths,
      ...(options.maxVarcharLength ? { maxVarcharLength: options.maxVarcharLength } : {}),
      ...(options.decimalOverflow ? { decimalOverflow: options.decimalOverflow } : {}),
    });
    await client.execute(buildDropTableSql(shadow));
    await client.execute(
      buildCreateTableSql({
        table: shadow,
        columns,
        keyColumns: options.keyColumns,
        indexes: options.indexes ?? [],
      }),
    );
    started = performance.now();
    const order = await readKeyOrder(
      effects,
      snapshot,
      plan,
      options.keyColumns,
      options.loadRangeRows ?? LOAD_RANGE_ROWS,
    );
    effects.log?.(
      `[sync] ${table}: rows ${order.ordered ? 'already' : 'not'} in key order (checked in ${Math.round(performance.now() - started)} ms)`,
    );
    const exportSql = buildExportSelect(plan.sql, columns, order.ordered ? [] : options.keyColumns);
    const wanted = options.loadMethod ?? 'auto';
    let method: FullLoadResult['method'] =
      wanted === 'insert' || (wanted === 'auto' && !(await isLocalInfileAllowed(client)))
        ? 'insert'
        : 'load-data';
    effects.log?.(`[sync] ${table}: loading ${measured.rowCount} rows of v${snapshot.version} by ${method}`);
    let warnings: string[] = [];
    // Rows the server says LOAD DATA inserted into the empty shadow table (duplicate keys would be skipped with a
    // warning, so this is the table's exact count); the INSERT path counts the table instead.
    let loadedRows: number | null = null;
    if (method === 'load-data') {
      try {
        ({ rows: loadedRows, warnings } =
          order.chunks.length > 1
            ? await loadInKeyRanges(
                effects,
                client,
                shadow,
                columns,
                plan.sql,
                options.keyColumns[0] as string,
                order.chunks,
              )
            : await loadWithLoadData(effects, client, shadow, columns, exportSql));
      } catch (error) {
        // Refused LOCAL (server or client side): 1148 ER_NOT_ALLOWED_COMMAND, 3948 ER_CLIENT_LOCAL_FILES_DISABLED.
        const errno = (error as { cause?: { errno?: number } }).cause?.errno;
        if (wanted !== 'auto' || (errno !== 1148 && errno !== 3948)) throw error;
        effects.log?.(`[sync] ${table}: LOAD DATA LOCAL refused (${errno}); falling back to INSERT batches`);
        await client.execute(`TRUNCATE TABLE ${quoteTable(shadow)}`);
        method = 'insert';
      }
    }
    if (method === 'insert') {
      await loadWithInserts(effects, client, shadow, columns, exportSql, options.batchRows ?? 1000);
    }
    started = performance.now();
    // A COUNT(*) right after a large load scans the whole fresh index (measured 32 s for 450,000 rows while another
    // table loaded beside it): the server's own count of the rows it inserted is as exact and free.
    let rows = loadedRows ?? -1;
    if (loadedRows === null) {
      const [counted] = await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${quoteTable(shadow)}`);
      rows = Number(counted?.n);
      effects.log?.(`[sync] ${table}: counted in ${Math.round(performance.now() - started)} ms`);
    }
    started = performance.now();
    if (rows !== measured.rowCount) {
      await client.execute(buildDropTableSql(shadow));
      throw new SyncError(
        'ROW_COUNT_MISMATCH',
        `Shadow table of '${table}' has ${rows} rows, Delta v${snapshot.version} has ${measured.rowCount}: are the key columns (${options.keyColumns.join(', ')}) unique in Delta?`,
      );
    }
    if (warnings.length > 0) {
      // LOAD DATA LOCAL turns conversion errors into warnings (it implies IGNORE): refuse rather than swap in
      // silently altered values.
      await client.execute(buildDropTableSql(shadow));
      throw new SyncError(
        'VALUES_REJECTED',
        `MySQL altered values while loading '${table}': ${warnings.join('; ')}`,
      );
    }
    await client.execute(buildDropTableSql(old));
    const exists = await tableExists(client, table);
    await client.execute(buildSwapTablesSql(table, shadow, exists ? old : null));
    if (exists) await client.execute(buildDropTableSql(old));
    effects.log?.(`[sync] ${table}: swapped in ${Math.round(performance.now() - started)} ms`);
    return { rows, columns, method };
  } finally {
    await plan.release();
  }
}
