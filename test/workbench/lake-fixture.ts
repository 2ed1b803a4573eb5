// A temporary lake for the workbench tests: two Spark-written conformance tables (time travel, partitions), a
// deletion-vector table, and a large table written here by native DuckDB with a hand-written Delta commit, sorted
// by id in small row groups so a selective query can skip most of its bytes.

import { cp, mkdir, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { writeSingleFileCommit } from './single-file-commit';

// ../shared/delta-conformance beside the repository (ARCHITECTURE.md §4), wherever the clone is.
const conformance =
  process.env.DELTA_CONFORMANCE_DIR ??
  path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'delta-conformance');

export interface LakeFixture {
  root: string;
  notebooksDir: string;
  bigRows: number;
  bigBytes: number;
  remove(): Promise<void>;
}

async function copyTable(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    preserveTimestamps: true,
    filter: (source) => !path.basename(source).endsWith('.crc'),
  });
}

export async function createLakeFixture(options: { bigRows?: number } = {}): Promise<LakeFixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'workbench-lake-'));
  const tables = path.join(root, 'lake', 'tables');
  await mkdir(tables, { recursive: true });
  await copyTable(path.join(conformance, 'dat/basic_append/delta'), path.join(tables, 'basic_append'));
  // Commit times for TIMESTAMP AS OF: v0 at 09:00 UTC, v1 at 11:00 UTC on 2026-11-01.
  const log = path.join(tables, 'basic_append', '_delta_log');
  for (const [version, at] of [
    [0, '2026-11-01T09:00:00Z'],
    [1, '2026-11-01T11:00:00Z'],
  ] as const) {
    const time = new Date(at);
    await utimes(path.join(log, `${String(version).padStart(20, '0')}.json`), time, time);
  }
  await copyTable(
    path.join(conformance, 'dat/basic_partitioned/delta'),
    path.join(tables, 'basic_partitioned'),
  );
  await copyTable(
    path.join(conformance, 'golden/dv-partitioned-with-checkpoint/delta'),
    path.join(tables, 'dv_partitioned'),
  );
  const bigRows = options.bigRows ?? 1_000_000;
  const bigBytes = await writeBigTable(path.join(tables, 'big_events'), bigRows);
  return {
    root: path.join(root, 'lake'),
    notebooksDir: path.join(root, 'notebooks'),
    bigRows,
    bigBytes,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

const BIG_SCHEMA = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'district', type: 'string', nullable: true, metadata: {} },
    { name: 'amount', type: 'double', nullable: true, metadata: {} },
    { name: 'note', type: 'string', nullable: true, metadata: {} },
  ],
};

async function writeBigTable(dir: string, rows: number): Promise<number> {
  await mkdir(path.join(dir, '_delta_log'), { recursive: true });
  const file = 'part-00000-big.snappy.parquet';
  const session = await createDuckDbSession();
  try {
    await session.run(
      `COPY (SELECT i::BIGINT AS id, 'district_' || (i % 12) AS district, (i % 1000) / 10.0 AS amount,
              md5(i::VARCHAR) || md5((i * 7)::VARCHAR) AS note
             FROM range(${rows}) t(i) ORDER BY i)
       TO '${path.join(dir, file)}' (FORMAT PARQUET, ROW_GROUP_SIZE 50000, COMPRESSION SNAPPY)`,
    );
  } finally {
    session.close();
  }
  const size = (await stat(path.join(dir, file))).size;
  const stats = {
    numRecords: rows,
    minValues: { id: 0, district: 'district_0', amount: 0 },
    maxValues: { id: rows - 1, district: 'district_9', amount: 99.9 },
    nullCount: { id: 0, district: 0, amount: 0, note: 0 },
  };
  await writeSingleFileCommit(dir, {
    id: 'b1e0c3a4-0000-4000-8000-000000000001',
    schema: BIG_SCHEMA,
    file,
    size,
    stats,
    engineInfo: 'workbench-test-fixture',
  });
  return size;
}
