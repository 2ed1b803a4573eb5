// Adopting finished Parquet files as a new table's data files: when a load's rows already sit in Parquet files
// whose columns are exactly the table's (same names, order and types, primitives only, no partitions, no column
// mapping), re-encoding them would only produce the same bytes again. The files are placed under the table with
// fresh data-file names (a hard link on a local lake, so the originals stay where their owner keeps them; an
// atomic copy otherwise) and their stats computed as for written files. Nothing is visible until the commit adds
// them; a failure deletes what was placed, and a crash leaves orphans that vacuum removes, as for written files.

import { stat } from 'node:fs/promises';
import { toSqlString, type DuckDbSession } from '../../engine/duckdb-session';
import type { AddFile } from '../actions';
import { DeltaError } from '../errors';
import { joinLakePath } from '../log-files';
import { quoteIdentifier, toDuckDbType, type StructType } from '../schema';
import { deleteDataFiles, placeLocalFile } from './data-files';
import { getNow, type WriteEffects } from './effects';
import { computeFileStats, DEFAULT_NUM_INDEXED_COLS } from './file-stats';
import { encodePathUri, makeDataFileName } from './partition-paths';
import { assertRowsSatisfyConstraints, type TableConstraint } from './table-constraints';

/** Types whose Parquet form DuckDB writes the same from the raw file as from a cast to the schema's type. */
const ADOPTABLE = new Set([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
]);

function isAdoptableType(type: unknown): type is string {
  return typeof type === 'string' && (ADOPTABLE.has(type) || /^decimal\(\d+,\s*\d+\)$/.test(type));
}

async function describeColumns(duckdb: DuckDbSession, sql: string): Promise<string[]> {
  const rows = await duckdb.queryJson(`DESCRIBE ${sql}`);
  return rows.map((row) => `${String(row.column_name)} ${String(row.column_type)}`);
}

/**
 * Whether `files` can become the data files of a new table of `schema` as they are: every column the same name,
 * position and DuckDB type as the schema's (what writing them would cast to), only primitive types, no partition
 * columns and no column mapping (whose physical names the files would lack).
 */
export async function canAdoptFiles(
  duckdb: DuckDbSession,
  files: string[],
  schema: StructType,
  table: { partitionColumns: string[]; configuration: Record<string, string> },
): Promise<boolean> {
  if (files.length === 0 || table.partitionColumns.length > 0) return false;
  const mapping = table.configuration['delta.columnMapping.mode'];
  if (mapping !== undefined && mapping !== 'none') return false;
  if (!schema.fields.every((field) => isAdoptableType(field.type))) return false;
  const wanted = schema.fields
    .map((field) => `CAST(NULL AS ${toDuckDbType(field.type)}) AS ${quoteIdentifier(field.name)}`)
    .join(', ');
  const [expected, actual] = await Promise.all([
    describeColumns(duckdb, `SELECT ${wanted}`),
    describeColumns(duckdb, `SELECT * FROM read_parquet([${files.map(toSqlString).join(', ')}])`),
  ]);
  return JSON.stringify(expected) === JSON.stringify(actual);
}

export interface AdoptFilesInput {
  tableRoot: string;
  /** Local Parquet files (canAdoptFiles said yes). */
  files: string[];
  schema: StructType;
  dataChange: boolean;
  numIndexedCols?: number;
  constraints?: TableConstraint[];
}

/** Places the files as data files of the table and returns their add actions (not yet committed). */
export async function adoptDataFiles(effects: WriteEffects, input: AdoptFilesInput): Promise<AddFile[]> {
  const adds: AddFile[] = [];
  try {
    if (input.constraints?.length) {
      await assertRowsSatisfyConstraints(
        effects.duckdb,
        `SELECT * FROM read_parquet([${input.files.map(toSqlString).join(', ')}])`,
        input.constraints,
      );
    }
    const stats = await computeFileStats(
      effects.duckdb,
      input.files,
      input.schema.fields,
      input.numIndexedCols ?? DEFAULT_NUM_INDEXED_COLS,
    );
    for (const local of input.files) {
      const fileStats = stats.get(local);
      if (!fileStats || fileStats.numRecords === 0) continue;
      const relative = makeDataFileName(adds.length, 'part');
      const size = (await stat(local)).size;
      await placeLocalFile(effects.storage, local, joinLakePath(input.tableRoot, relative), 'keep');
      adds.push({
        path: encodePathUri(relative),
        partitionValues: {},
        size,
        modificationTime: getNow(effects),
        dataChange: input.dataChange,
        stats: fileStats.stats,
      });
    }
    return adds;
  } catch (cause) {
    await deleteDataFiles(effects.storage, input.tableRoot, adds);
    if (cause instanceof DeltaError) throw cause;
    throw new DeltaError('WRITE_FAILED', `Cannot place data files of ${input.tableRoot || 'the table'}`, {
      cause,
    });
  }
}
