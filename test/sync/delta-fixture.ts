// Test-only Delta table builder: DuckDB writes each data file (COPY … TO parquet), commits are hand-written JSON
// (protocol 1/2, numRecords stats). Enough to drive the sync through appends, rewrites, deletes, schema changes
// and restores without depending on the Delta writer.

import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { toSqlString, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { loadSnapshot, type AddFile, type Snapshot, type StructType } from '../../pipelines/delta/index';
import { getLogicalFileKey } from '../../pipelines/delta/replay';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';

export interface DeltaFixture {
  storage: LocalLakeStorage;
  /** Lake-relative table root. */
  root: string;
  version: number;
  /** Commits data files (one per SELECT), removals of current files, and optionally a new schema. */
  commit(change: { add?: string[]; remove?: string[]; schema?: StructType }): Promise<number>;
  /** Rewrites one file: removes it and adds the rows of `sql`, where `f` names the old file's rows. */
  rewrite(filePath: string, sql: (f: string) => string): Promise<number>;
  /** Commits a restore: the table's files become those of `version`. */
  restore(version: number): Promise<number>;
  snapshot(version?: number): Promise<Snapshot>;
  /** Local path of a data file. */
  localPath(filePath: string): string;
}

let counter = 0;

export async function createDeltaFixture(
  duckdb: DuckDbSession,
  lakeDir: string,
  root: string,
  schema: StructType,
): Promise<DeltaFixture> {
  const storage = new LocalLakeStorage(lakeDir);
  const tableDir = path.join(lakeDir, root);
  await mkdir(path.join(tableDir, '_delta_log'), { recursive: true });
  let version = -1;
  let currentSchema = schema;

  const metadata = (s: StructType) => ({
    metaData: {
      id: '00000000-0000-4000-8000-000000000001',
      format: { provider: 'parquet', options: {} },
      schemaString: JSON.stringify(s),
      partitionColumns: [],
      configuration: {},
      createdTime: 1700000000000,
    },
  });

  const writeData = async (sql: string): Promise<AddFile> => {
    counter += 1;
    const name = `part-${String(counter).padStart(5, '0')}-${process.pid}.parquet`;
    const local = path.join(tableDir, name);
    await duckdb.run(`COPY (${sql}) TO ${toSqlString(local)} (FORMAT parquet)`);
    const [row] = await duckdb.queryJson(`SELECT count(*) AS n FROM read_parquet(${toSqlString(local)})`);
    return {
      path: name,
      partitionValues: {},
      size: (await stat(local)).size,
      modificationTime: Date.now(),
      dataChange: true,
      stats: JSON.stringify({ numRecords: Number(row?.n ?? 0) }),
    };
  };

  const writeCommit = async (actions: object[]): Promise<number> => {
    const next = version + 1;
    const lines = [{ commitInfo: { timestamp: Date.now(), operation: 'WRITE' } }, ...actions];
    const ok = await storage.putIfAbsent(
      `${root}/_delta_log/${String(next).padStart(20, '0')}.json`,
      lines.map((line) => JSON.stringify(line)).join('\n'),
    );
    if (!ok) throw new Error(`version ${next} exists`);
    version = next;
    fixture.version = next;
    return next;
  };

  const removal = (filePath: string) => ({
    remove: { path: filePath, deletionTimestamp: Date.now(), dataChange: true },
  });

  const fixture: DeltaFixture = {
    storage,
    root,
    version,
    async commit(change) {
      const adds: object[] = [];
      if (change.schema) currentSchema = change.schema;
      for (const sql of change.add ?? []) adds.push({ add: await writeData(sql) });
      const head =
        version < 0
          ? [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, metadata(currentSchema)]
          : change.schema
            ? [metadata(currentSchema)]
            : [];
      return writeCommit([...head, ...(change.remove ?? []).map(removal), ...adds]);
    },
    async rewrite(filePath, sql) {
      const add = await writeData(sql(`read_parquet(${toSqlString(path.join(tableDir, filePath))})`));
      return writeCommit([removal(filePath), { add }]);
    },
    async restore(target) {
      const [current, old] = await Promise.all([fixture.snapshot(), fixture.snapshot(target)]);
      const keep = new Set(current.files.map(getLogicalFileKey));
      const wanted = new Set(old.files.map(getLogicalFileKey));
      const schemaChanged = current.metadata.schemaString !== old.metadata.schemaString;
      return writeCommit([
        ...(schemaChanged ? [{ metaData: old.metadata }] : []),
        ...current.files
          .filter((file) => !wanted.has(getLogicalFileKey(file)))
          .map((file) => removal(file.path)),
        ...old.files.filter((file) => !keep.has(getLogicalFileKey(file))).map((file) => ({ add: file })),
      ]);
    },
    snapshot: (at) => loadSnapshot({ storage, duckdb }, root, at === undefined ? {} : { version: at }),
    localPath: (filePath) => path.join(tableDir, filePath),
  };
  return fixture;
}
