// Writing data files: DuckDB runs the caller's query and writes zstd Parquet to a local temp folder (the rows
// never pass through JS), stats are computed over the written files, and each file is moved into the table under
// a unique Spark-style name in its Hive partition directory. Nothing is visible to readers until a commit adds
// the files; a crash leaves orphans that vacuum removes.

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toSqlString } from '../../engine/duckdb-session';
import { getLocalRoot } from '../../engine/local-files';
import type { LakeStorage } from '../../lake/storage';
import type { AddFile } from '../actions';
import { DeltaError } from '../errors';
import { joinLakePath } from '../log-files';
import { quoteIdentifier, type StructField, type StructType } from '../schema';
import { getNow, type WriteEffects } from './effects';
import { assertRowsSatisfyConstraints, type TableConstraint } from './table-constraints';
import { computeFileStats, DEFAULT_NUM_INDEXED_COLS } from './file-stats';
import { buildPartitionDir, encodePathUri, formatPartitionSql, makeDataFileName } from './partition-paths';
import { logCleanupFailure } from '../../support/cleanup';

export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

/** Where change data files live (Spark's and delta-rs's folder) and the column naming each row's change. */
export const CHANGE_DATA_DIR = '_change_data';
export const CHANGE_TYPE_COLUMN = '_change_type';

export interface DataLayout {
  /** Columns to sort rows by before writing (keeps key ranges per file tight for merge skipping). */
  sortBy?: string[];
  /** Split each partition into files of at most this many rows (files then hold contiguous sort ranges). */
  rowsPerFile?: number;
  /** Approximate file size when rowsPerFile is not given (DuckDB's FILE_SIZE_BYTES). */
  targetFileSize?: number;
}

export interface WriteDataFilesInput {
  tableRoot: string;
  /** Query returning exactly the table's columns with the table's types (see buildConformingSelect). */
  sql: string;
  schema: StructType;
  partitionColumns: string[];
  dataChange: boolean;
  layout?: DataLayout;
  numIndexedCols?: number;
  /** Rules every row must obey (table-constraints.ts); checked on the staged rows before any file is placed. */
  constraints?: TableConstraint[];
  /**
   * Change data files (PROTOCOL.md "Change Data Files"): `sql` also returns `_change_type`, which is written as a
   * last column, and the files go under `_change_data/` named `cdc-…`. Never data files of the table.
   */
  changeData?: boolean;
}

/**
 * Puts a finished local file at its lake path, never showing a half file. `move`: a rename on a local lake (the
 * file was written for this table). `keep`: a hard link, so the original stays where its owner keeps it (adopted
 * raw files, adopt-files.ts). Otherwise, and across file systems or where links are refused, a copy to a hidden
 * name beside the target, then a rename; on other storage an atomic upload.
 */
export async function placeLocalFile(
  storage: LakeStorage,
  localPath: string,
  lakePath: string,
  original: 'move' | 'keep' = 'move',
): Promise<void> {
  const root = getLocalRoot(storage);
  if (root === null) {
    await storage.writeStream(lakePath, createReadStream(localPath));
    return;
  }
  const target = path.join(root, ...lakePath.split('/'));
  await mkdir(path.dirname(target), { recursive: true });
  try {
    if (original === 'move') await rename(localPath, target);
    else await link(localPath, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const noLink = original === 'keep' && (code === 'EPERM' || code === 'ENOTSUP');
    if (code !== 'EXDEV' && !noLink) throw error;
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
    try {
      await copyFile(localPath, temp);
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
  }
}

async function listParquetFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.parquet'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function buildCopyOptions(layout: DataLayout, partitionBy: string[]): string {
  const options = ['FORMAT parquet', 'COMPRESSION zstd'];
  if (partitionBy.length > 0) options.push(`PARTITION_BY (${partitionBy.join(', ')})`);
  else
    options.push(
      `FILE_SIZE_BYTES ${Math.max(1, Math.floor(layout.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE))}`,
    );
  return options.join(', ');
}

/** Writes the rows of `input.sql` as data files of the table and returns their add actions (not yet committed). */
export async function writeDataFiles(effects: WriteEffects, input: WriteDataFilesInput): Promise<AddFile[]> {
  const layout = input.layout ?? {};
  const partitionFields = input.partitionColumns.map((name) => {
    const field = input.schema.fields.find((candidate) => candidate.name === name);
    if (!field) throw new DeltaError('INVALID_ARGUMENT', `Partition column '${name}' is not in the schema`);
    return field;
  });
  const dataFields: StructField[] = input.schema.fields.filter(
    (field) => !input.partitionColumns.includes(field.name),
  );
  if (dataFields.length === 0)
    throw new DeltaError('INVALID_ARGUMENT', 'A table needs a non-partition column');
  const dataList = [
    ...dataFields.map((field) => quoteIdentifier(field.name)),
    ...(input.changeData ? [quoteIdentifier(CHANGE_TYPE_COLUMN)] : []),
  ].join(', ');
  const order = (layout.sortBy ?? []).map(quoteIdentifier);
  const dir = await mkdtemp(path.join(tmpdir(), 'delta-write-'));
  const stage = `__delta_stage_${randomUUID().replace(/-/g, '')}`;
  const chunked = layout.rowsPerFile !== undefined && layout.rowsPerFile > 0;
  const staged = partitionFields.length > 0 || chunked;
  try {
    const partitionOf = new Map<string, Record<string, string | null>>();
    if (!staged) {
      const sorted =
        order.length > 0
          ? `SELECT ${dataList} FROM (${input.sql}) ORDER BY ${order.join(', ')}`
          : `SELECT ${dataList} FROM (${input.sql})`;
      await effects.duckdb.run(`COPY (${sorted}) TO ${toSqlString(dir)} (${buildCopyOptions(layout, [])})`);
      // Checked on the files just written (still in the temp folder), so the query runs once.
      const local = await listParquetFiles(dir);
      if (local.length > 0 && input.constraints?.length) {
        await assertRowsSatisfyConstraints(
          effects.duckdb,
          `SELECT * FROM read_parquet([${local.map(toSqlString).join(', ')}])`,
          input.constraints,
        );
      }
    } else {
      const formats = partitionFields.map(
        (field, index) => `${formatPartitionSql(field.name, field.type)} AS __p${index}`,
      );
      const partKeys = partitionFields.map((_, index) => `__p${index}`);
      const windowPartition = partKeys.length > 0 ? `PARTITION BY ${partKeys.join(', ')}` : '';
      const windowOrder = order.length > 0 ? `ORDER BY ${order.join(', ')}` : '';
      const chunk = chunked
        ? `(row_number() OVER (${windowPartition} ${windowOrder}) - 1) // ${Math.floor(layout.rowsPerFile as number)}`
        : '0';
      const part = partKeys.length > 0 ? `dense_rank() OVER (ORDER BY ${partKeys.join(', ')})` : '0';
      await effects.duckdb.run(
        `CREATE TEMP TABLE ${stage} AS SELECT *, ${part} AS __part, ${chunk} AS __chunk FROM (SELECT ${['*', ...formats].join(', ')} FROM (${input.sql}))`,
      );
      await assertRowsSatisfyConstraints(effects.duckdb, `SELECT * FROM ${stage}`, input.constraints ?? []);
      if (partKeys.length > 0) {
        const mapping = await effects.duckdb.queryJson(
          `SELECT DISTINCT __part, ${partKeys.join(', ')} FROM ${stage}`,
        );
        for (const row of mapping) {
          const values: Record<string, string | null> = {};
          partitionFields.forEach((field, index) => {
            const value = row[`__p${index}`];
            values[field.name] = typeof value === 'string' && value !== '' ? value : null;
          });
          partitionOf.set(String(row.__part), values);
        }
      }
      const sortTail = order.length > 0 ? `, ${order.join(', ')}` : '';
      await effects.duckdb.run(
        `COPY (SELECT ${dataList}, __part, __chunk FROM ${stage} ORDER BY __part, __chunk${sortTail}) TO ${toSqlString(dir)} (${buildCopyOptions(layout, ['__part', '__chunk'])})`,
      );
    }
    const written = await listParquetFiles(dir);
    const stats = await computeFileStats(
      effects.duckdb,
      written,
      dataFields,
      input.numIndexedCols ?? DEFAULT_NUM_INDEXED_COLS,
    );
    const adds: AddFile[] = [];
    for (const local of written) {
      const fileStats = stats.get(local);
      if (!fileStats || fileStats.numRecords === 0) continue; // DuckDB writes an empty file for empty input
      const partMatch = /__part=(\d+)/.exec(local);
      const partitionValues = partMatch ? (partitionOf.get(partMatch[1] as string) ?? {}) : {};
      const values = Object.fromEntries(
        input.partitionColumns.map((name) => [name, partitionValues[name] ?? null]),
      );
      const relative = joinLakePath(
        ...(input.changeData ? [CHANGE_DATA_DIR] : []),
        buildPartitionDir(input.partitionColumns, values),
        makeDataFileName(adds.length, input.changeData ? 'cdc' : 'part'),
      );
      const size = (await stat(local)).size;
      await placeLocalFile(effects.storage, local, joinLakePath(input.tableRoot, relative));
      adds.push({
        path: encodePathUri(relative),
        partitionValues: values,
        size,
        modificationTime: getNow(effects),
        dataChange: input.dataChange,
        stats: fileStats.stats,
      });
    }
    return adds;
  } catch (cause) {
    if (cause instanceof DeltaError) throw cause;
    throw new DeltaError('WRITE_FAILED', `Cannot write data files of ${input.tableRoot || 'the table'}`, {
      cause,
    });
  } finally {
    if (staged)
      await effects.duckdb
        .run(`DROP TABLE IF EXISTS ${stage}`)
        .catch(logCleanupFailure('DROP of a staging table'));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deletes data files that were written but will not be committed (best effort; vacuum catches the rest). */
export async function deleteDataFiles(
  storage: LakeStorage,
  tableRoot: string,
  adds: Pick<AddFile, 'path'>[],
): Promise<void> {
  await Promise.all(
    adds.map((add) =>
      storage.delete(joinLakePath(tableRoot, decodeURIComponent(add.path))).catch(() => false),
    ),
  );
}
