// Data for the workbench benchmark: a permits-like Delta table of N rows (one Parquet file written by native
// DuckDB, DuckDB's default row groups, a hand-written commit with stats), and the same rows in MariaDB.

import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import mysql from 'mysql2/promise';
import { createDuckDbSession } from '../../../pipelines/engine/duckdb-session';
import { writeSingleFileCommit } from '../single-file-commit';

export const BENCH_TABLE = 'bench_permits';

const SCHEMA = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'district', type: 'string', nullable: true, metadata: {} },
    { name: 'status', type: 'string', nullable: true, metadata: {} },
    { name: 'amount', type: 'double', nullable: true, metadata: {} },
    { name: 'issued_at', type: 'timestamp', nullable: true, metadata: {} },
  ],
};

const ROWS_SQL = (rows: number) => `
  SELECT i::BIGINT AS id,
         'district_' || lpad(((i * 7919) % 24)::VARCHAR, 2, '0') AS district,
         (['issued', 'pending', 'review', 'denied', 'withdrawn'])[1 + ((i * 31) % 5)::INT] AS status,
         round(((i * 2654435761) % 100000) / 100.0, 2)::DOUBLE AS amount,
         TIMESTAMP '2020-01-01' + INTERVAL (i % 157680000) SECOND AS issued_at
    FROM range(${rows}) t(i)`;

/** Writes tables/<BENCH_TABLE> under lakeRoot; returns the data file's size. */
export async function writeBenchTable(lakeRoot: string, rows: number): Promise<number> {
  const dir = path.join(lakeRoot, 'tables', BENCH_TABLE);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, '_delta_log'), { recursive: true });
  const file = 'part-00000-bench.snappy.parquet';
  const session = await createDuckDbSession();
  try {
    await session.run(
      `COPY (${ROWS_SQL(rows)}) TO '${path.join(dir, file)}' (FORMAT PARQUET, COMPRESSION SNAPPY)`,
    );
  } finally {
    session.close();
  }
  const size = (await stat(path.join(dir, file))).size;
  await writeSingleFileCommit(dir, {
    id: 'b1e0c3a4-0000-4000-8000-00000000be7c',
    schema: SCHEMA,
    file,
    size,
    stats: { numRecords: rows },
    engineInfo: 'workbench-bench',
  });
  return size;
}

/** Loads the same rows into MariaDB (LOAD DATA LOCAL from a CSV written by DuckDB), with the indexes a
 * front-end team would have: the primary key and one on district. */
export async function loadMariaDb(url: string, workDir: string, rows: number): Promise<void> {
  const csv = path.join(workDir, 'bench.csv');
  const session = await createDuckDbSession();
  try {
    await session.run(
      `COPY (SELECT id, district, status, amount, strftime(issued_at, '%Y-%m-%d %H:%M:%S') AS issued_at
               FROM (${ROWS_SQL(rows)})) TO '${csv}' (FORMAT CSV, HEADER false)`,
    );
  } finally {
    session.close();
  }
  const connection = await mysql.createConnection({ uri: url, multipleStatements: false });
  try {
    await connection.query(`DROP TABLE IF EXISTS ${BENCH_TABLE}`);
    await connection.query(
      `CREATE TABLE ${BENCH_TABLE} (id BIGINT PRIMARY KEY, district VARCHAR(32), status VARCHAR(16),
         amount DOUBLE, issued_at DATETIME, KEY (district)) ENGINE=InnoDB`,
    );
    await connection.query({
      sql: `LOAD DATA LOCAL INFILE 'bench.csv' INTO TABLE ${BENCH_TABLE}
              FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' (id, district, status, amount, issued_at)`,
      infileStreamFactory: () => createReadStream(csv),
    });
    await connection.query(`ANALYZE TABLE ${BENCH_TABLE}`);
  } finally {
    await connection.end();
    await rm(csv, { force: true });
  }
}

/** The three analytical queries of the benchmark, in DuckDB and MariaDB spelling (they agree here). */
export const BENCH_QUERIES = {
  filteredCount: `SELECT count(*) AS n FROM ${BENCH_TABLE} WHERE district = 'district_07' AND amount > 500`,
  groupBy: `SELECT district, status, count(*) AS n, avg(amount) AS avg_amount FROM ${BENCH_TABLE} GROUP BY district, status ORDER BY district, status`,
  topN: `SELECT id, amount FROM ${BENCH_TABLE} ORDER BY amount DESC, id LIMIT 10`,
} as const;

export type BenchQuery = keyof typeof BENCH_QUERIES;
