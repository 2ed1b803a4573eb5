// Golden tests of the SQL the sync generates (pure): MySQL DML and the DuckDB change set / export queries.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildChangeSetSql, buildCsvCopySql, buildExportSelect } from '../../pipelines/sync/duckdb-sql';
import { buildDeleteSql, buildInsertSql, buildLoadDataSql } from '../../pipelines/sync/mysql/dml';
import type { MySqlColumn } from '../../pipelines/sync/mysql/type-mapping';
import {
  compareSchema,
  diffSnapshotFiles,
  findTooNarrowColumn,
  isTooManyChanges,
} from '../../pipelines/sync/plan-sync';

const columns: MySqlColumn[] = [
  { name: 'id', sqlType: 'BIGINT', kind: 'integer', nullable: false },
  { name: 'name', sqlType: 'VARCHAR(64)', kind: 'string', nullable: true },
  { name: 'blob', sqlType: 'LONGBLOB', kind: 'binary', nullable: true },
  { name: 'ts', sqlType: 'DATETIME(6)', kind: 'datetime', nullable: true },
];

test('upserts use INSERT … ON DUPLICATE KEY UPDATE c = VALUES(c), binary as UNHEX', () => {
  assert.equal(
    buildInsertSql('t', columns, 2, true),
    'INSERT INTO `t` (`id`, `name`, `blob`, `ts`) VALUES (?, ?, UNHEX(?), ?), (?, ?, UNHEX(?), ?) ' +
      'ON DUPLICATE KEY UPDATE `id` = VALUES(`id`), `name` = VALUES(`name`), `blob` = VALUES(`blob`), `ts` = VALUES(`ts`)',
  );
  assert.equal(buildInsertSql('t', columns.slice(0, 1), 1, false), 'INSERT INTO `t` (`id`) VALUES (?)');
});

test('deletes by key: IN list for one key, row constructors for several', () => {
  assert.equal(buildDeleteSql('t', columns.slice(0, 1), 3), 'DELETE FROM `t` WHERE `id` IN (?, ?, ?)');
  assert.equal(
    buildDeleteSql('t', [columns[0] as MySqlColumn, columns[2] as MySqlColumn], 2),
    'DELETE FROM `t` WHERE (`id`, `blob`) IN ((?, UNHEX(?)), (?, UNHEX(?)))',
  );
});

test('LOAD DATA reads the CSV DuckDB writes: quoted text, bare NULL, binary through variables', () => {
  assert.equal(
    buildLoadDataSql('t__shadow', columns, '/tmp/x/rows.csv'),
    "LOAD DATA LOCAL INFILE '/tmp/x/rows.csv' INTO TABLE `t__shadow` CHARACTER SET utf8mb4 " +
      "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '\\n' " +
      '(`id`, `name`, @v2, `ts`) SET `blob` = UNHEX(@v2)',
  );
  const exportSql = buildExportSelect('SELECT 1', columns, ['id']);
  assert.equal(
    exportSql,
    `SELECT CAST(s."id" AS VARCHAR) AS c0, CAST(s."name" AS VARCHAR) AS c1, hex(s."blob") AS c2, ` +
      `strftime(s."ts", '%Y-%m-%d %H:%M:%S.%f') AS c3 FROM (SELECT 1) AS s ORDER BY s."id"`,
  );
  assert.match(
    buildCsvCopySql(exportSql, columns, "/tmp/o'k.csv"),
    /TO '\/tmp\/o''k\.csv' .*NULLSTR 'NULL', USE_TMP_FILE false, FORCE_QUOTE \(c1, c2, c3\)\)$/,
  );
});

test('the change set compares rows by key and content hash', () => {
  const sql = buildChangeSetSql('SELECT r', 'SELECT a', ['id', 'v'], ['id']);
  assert.equal(sql.length, 6);
  assert.match(
    sql[2] ?? '',
    /ANTI JOIN sync_removed AS r ON a\."id" = r\."id" AND a\."__row_hash" = r\."__row_hash"$/,
  );
  assert.match(
    sql[3] ?? '',
    /SELECT DISTINCT r\."id" FROM sync_removed AS r ANTI JOIN sync_added AS a ON r\."id" = a\."id"$/,
  );
});

test('diff planning: logical files, schema compatibility, narrow columns, change volume', () => {
  const file = (p: string, dv?: string) => ({
    path: p,
    partitionValues: {},
    size: 1,
    modificationTime: 0,
    dataChange: true,
    ...(dv
      ? { deletionVector: { storageType: 'u' as const, pathOrInlineDv: dv, sizeInBytes: 1, cardinality: 1 } }
      : {}),
  });
  const diff = diffSnapshotFiles(
    [file('a'), file('b'), file('c', 'x')],
    [file('b'), file('c', 'y'), file('d')],
  );
  assert.deepEqual(
    diff.removed.map((f) => f.path),
    ['a', 'c'],
  );
  assert.deepEqual(
    diff.added.map((f) => f.path),
    ['c', 'd'],
  );
  const schema = (fields: [string, string][]) => ({
    type: 'struct' as const,
    fields: fields.map(([name, type]) => ({ name, type, nullable: true, metadata: {} })),
  });
  const stored = columns.slice(0, 2);
  assert.deepEqual(
    compareSchema(
      stored,
      schema([
        ['id', 'long'],
        ['name', 'string'],
        ['x', 'date'],
      ]),
      { keyColumns: ['id'] },
    ),
    {
      compatible: true,
      addedFields: ['x'],
    },
  );
  assert.equal(
    compareSchema(
      stored,
      schema([
        ['id', 'integer'],
        ['name', 'string'],
      ]),
      { keyColumns: ['id'] },
    ).compatible,
    false,
  );
  assert.equal(compareSchema(stored, schema([['id', 'long']]), { keyColumns: ['id'] }).compatible, false);
  assert.equal(findTooNarrowColumn(stored, { name: 64 }), null);
  assert.equal(findTooNarrowColumn(stored, { name: 65 }), 'name');
  assert.equal(isTooManyChanges({ changedRows: 60000, targetRows: 100000, maxChangeFraction: 0.5 }), true);
  assert.equal(isTooManyChanges({ changedRows: 9000, targetRows: 10000, maxChangeFraction: 0.5 }), false);
  assert.equal(isTooManyChanges({ changedRows: 60000, targetRows: null, maxChangeFraction: 0.5 }), false);
});
