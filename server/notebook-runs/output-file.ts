// A stored output of a run, as a download: the Parquet file as it is, or CSV written by native DuckDB from it (the
// same engine that wrote it, so types print as DuckDB prints them). Excel goes through delivery's parquetToXlsx.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDuckDbSession, toSqlString } from '@/pipelines/engine/duckdb-session';

export const OUTPUT_FORMATS = ['csv', 'parquet', 'xlsx'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** CSV (header row, RFC 4180 quoting) of a Parquet file. */
export async function parquetToCsv(parquetFile: string): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'notebook-output-'));
  const session = await createDuckDbSession({ threads: 1, memoryLimit: '512MB' });
  try {
    const target = path.join(dir, 'output.csv');
    await session.run(
      `COPY (FROM read_parquet(${toSqlString(parquetFile)})) TO ${toSqlString(target)} (FORMAT csv, HEADER)`,
    );
    return await readFile(target);
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
}
