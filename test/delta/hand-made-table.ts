// Hand-made Delta tables for reader tests: Parquet data files written by native DuckDB (COPY … TO), and a
// `_delta_log` written as JSON by the test, so a table can hold what our writer never produces (files from before a
// type widening, void columns, absolute deletion vector paths). Everything lives in a temp folder.

import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeltaType } from '../../pipelines/delta/schema';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';

export interface HandMadeLake {
  /** Lake root folder. */
  dir: string;
  storage: LocalLakeStorage;
  duckdb: DuckDbSession;
  close(): Promise<void>;
}

export async function openHandMadeLake(): Promise<HandMadeLake> {
  const dir = await mkdtemp(path.join(tmpdir(), 'delta-hand-made-'));
  const duckdb = await createDuckDbSession();
  return {
    dir,
    storage: new LocalLakeStorage(dir),
    duckdb,
    async close() {
      duckdb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function field(
  name: string,
  type: DeltaType,
  metadata: Record<string, unknown> = {},
): { name: string; type: DeltaType; nullable: boolean; metadata: Record<string, unknown> } {
  return { name, type, nullable: true, metadata };
}

export function metaData(
  fields: ReturnType<typeof field>[],
  partitionColumns: string[] = [],
  configuration: Record<string, string> = {},
): Record<string, unknown> {
  return {
    metaData: {
      id: '00000000-0000-4000-8000-000000000000',
      format: { provider: 'parquet', options: {} },
      schemaString: JSON.stringify({ type: 'struct', fields }),
      partitionColumns,
      configuration,
      createdTime: 0,
    },
  };
}

export function protocol(readerFeatures: string[]): Record<string, unknown> {
  return {
    protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures: readerFeatures },
  };
}

/** Writes `select` as a Parquet file at `<table>/<relative>` and returns its add action. */
export async function writeDataFile(
  lake: HandMadeLake,
  table: string,
  relative: string,
  select: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const local = path.join(lake.dir, table, ...relative.split('/'));
  await mkdir(path.dirname(local), { recursive: true });
  await lake.duckdb.run(`COPY (${select}) TO ${toSqlString(local)} (FORMAT parquet)`);
  const size = (await stat(local)).size;
  return {
    add: {
      path: relative.split('/').map(encodeURIComponent).join('/'),
      partitionValues: {},
      size,
      modificationTime: 0,
      dataChange: true,
      ...extra,
    },
  };
}

export async function writeCommit(
  lake: HandMadeLake,
  table: string,
  version: number,
  actions: Record<string, unknown>[],
): Promise<void> {
  const logDir = path.join(lake.dir, table, '_delta_log');
  await mkdir(logDir, { recursive: true });
  const name = `${String(version).padStart(20, '0')}.json`;
  await writeFile(path.join(logDir, name), actions.map((action) => JSON.stringify(action)).join('\n'));
}
