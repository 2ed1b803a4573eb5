// The pure pieces of apply: incoming-row SQL (dedupe by key, newest watermark), delete rows from key comparison,
// the RunInfo carried forward, and the commitInfo decoration of a commit file; the unchanged-row filter also on DuckDB.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildChangedRowsSql,
  buildDeletesSql,
  buildIncomingSql,
  buildRunInfo,
} from '../../pipelines/cdc/apply-run';
import type { RawManifest } from '../../pipelines/cdc/raw-manifest';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';

const manifest: RawManifest = {
  formatVersion: 1,
  pipeline: 'county-ops',
  source: 'county_ops',
  table: 'parcels',
  runId: 'r7',
  runSequence: 7,
  mode: 'incremental',
  position: { kind: 'lsn', value: '0/16B3748' },
  startedAt: '2026-11-24T09:00:00.000Z',
  finishedAt: '2026-11-24T09:00:01.000Z',
  schema: [
    {
      name: 'parcel_id',
      sourceType: 'bigint',
      nullable: false,
      type: { delta: 'long', duckdb: 'BIGINT', decode: 'cast' },
    },
    {
      name: 'owner',
      sourceType: 'text',
      nullable: true,
      type: { delta: 'string', duckdb: 'VARCHAR', decode: 'cast' },
    },
    {
      name: 'updated_at',
      sourceType: 'timestamp with time zone',
      nullable: false,
      type: { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'cast' },
    },
  ],
  primaryKey: ['parcel_id'],
  rowCount: 3,
  files: [{ path: 'raw/county_ops/parcels/r7/part-00000.parquet', rows: 3, bytes: 100 }],
  watermark: { column: 'updated_at', from: '2026-11-24T08:50:00.000Z', min: null, max: null },
  keyFiles: null,
};

test('incoming rows: all parts, one row per key (newest watermark) for incremental runs (golden)', () => {
  assert.equal(
    buildIncomingSql(manifest, ['/l/a.parquet'], false),
    `SELECT * FROM read_parquet(['/l/a.parquet'])`,
  );
  assert.equal(
    buildIncomingSql(manifest, ['/l/a.parquet', '/l/b.parquet'], true),
    `SELECT * FROM (SELECT * FROM read_parquet(['/l/a.parquet', '/l/b.parquet'])) ` +
      `QUALIFY row_number() OVER (PARTITION BY "parcel_id" ORDER BY "updated_at" DESC NULLS LAST) = 1`,
  );
});

test('unchanged rows (same key and watermark as in the table) are dropped; the table is read only within the incoming watermarks (golden)', () => {
  const notExists = (candidates: string) =>
    `SELECT i.* FROM (SELECT 1) i WHERE NOT EXISTS (SELECT 1 FROM (${candidates}) t WHERE ` +
    't."parcel_id" IS NOT DISTINCT FROM i."parcel_id" AND t."updated_at" IS NOT DISTINCT FROM i."updated_at")';
  const inRange =
    'SELECT * FROM (SELECT 2) w WHERE ' +
    'w."updated_at" BETWEEN (SELECT min("updated_at") FROM (SELECT 3)) AND (SELECT max("updated_at") FROM (SELECT 3))';
  assert.equal(
    buildChangedRowsSql('SELECT 1', 'SELECT 2', ['parcel_id'], 'updated_at', {
      sql: 'SELECT 3',
      nullWatermarks: false,
    }),
    notExists(inRange),
  );
  assert.equal(
    buildChangedRowsSql('SELECT 1', 'SELECT 2', ['parcel_id'], 'updated_at', {
      sql: 'SELECT 3',
      nullWatermarks: true,
    }),
    notExists(`${inRange} UNION ALL SELECT * FROM (SELECT 2) w WHERE w."updated_at" IS NULL`),
  );
});

test('deletes: table keys missing from the source keys, other columns NULL (golden)', () => {
  assert.equal(
    buildDeletesSql(manifest, 'SELECT parcel_id FROM t', ['/l/keys-00000.parquet']),
    'SELECT t."parcel_id" AS "parcel_id", CAST(NULL AS VARCHAR) AS "owner", CAST(NULL AS TIMESTAMPTZ) AS "updated_at", ' +
      'true AS __pipeline_deleted FROM (SELECT parcel_id FROM t) t ' +
      `WHERE NOT EXISTS (SELECT 1 FROM read_parquet(['/l/keys-00000.parquet']) s WHERE s."parcel_id" = t."parcel_id")`,
  );
});

test('run info: the watermark only moves forward on incremental runs; full loads restart it', () => {
  const previous = buildRunInfo(
    {
      ...manifest,
      runSequence: 6,
      watermark: { column: 'updated_at', from: null, min: null, max: '2026-11-24T09:00:00.000000Z' },
    },
    null,
    false,
  );
  const quiet = buildRunInfo(manifest, previous, false);
  assert.equal(quiet.watermark?.value, '2026-11-24T09:00:00.000000Z');
  assert.equal(quiet.lastKeyComparison, 0);
  const moved = buildRunInfo(
    {
      ...manifest,
      watermark: { column: 'updated_at', from: null, min: null, max: '2026-11-24T10:00:00.000000Z' },
    },
    previous,
    true,
  );
  assert.equal(moved.watermark?.value, '2026-11-24T10:00:00.000000Z');
  assert.equal(moved.lastKeyComparison, 7);
  const full = buildRunInfo(
    {
      ...manifest,
      mode: 'full',
      watermark: { column: 'updated_at', from: null, min: null, max: '2026-11-01T00:00:00.000000Z' },
    },
    moved,
    false,
  );
  assert.equal(full.watermark?.value, '2026-11-01T00:00:00.000000Z');
  assert.equal(full.lastKeyComparison, 7);
});

test('unchanged rows: run on DuckDB, NULL watermarks match NULL ones and rows outside the incoming range never match', async () => {
  const duckdb = await createDuckDbSession();
  try {
    const table = `SELECT * FROM (VALUES (1, NULL), (2, 10), (3, 20), (4, 30)) v(parcel_id, updated_at)`;
    const incoming = `SELECT * FROM (VALUES (1, NULL), (2, 10), (3, 21), (5, NULL), (6, 30)) v(parcel_id, updated_at)`;
    const rows = await duckdb.queryJson(
      `SELECT parcel_id FROM (${buildChangedRowsSql(incoming, table, ['parcel_id'], 'updated_at', { sql: incoming, nullWatermarks: true })}) ORDER BY 1`,
    );
    // 1 (NULL = NULL) and 2 (same watermark) are unchanged; 3 moved on, 5 and 6 are new keys.
    assert.deepEqual(
      rows.map((row) => Number(row.parcel_id)),
      [3, 5, 6],
    );
  } finally {
    duckdb.close();
  }
});
