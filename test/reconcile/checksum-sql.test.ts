// The reconcile checksum SQL as pure functions (golden): the generic builder in each dialect (Oracle's is only
// covered here and by the live suite when ORACLE_URL is set), the re-extract by key, and refused input.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMysqlSelect } from '../../pipelines/sources/mysql/mysql-sql';
import { buildOracleSelect } from '../../pipelines/sources/oracle/oracle-sql';
import { describeOracleType, mapOracleType } from '../../pipelines/sources/oracle/type-mapping';
import { buildPostgresSelect } from '../../pipelines/sources/postgres/postgres-sql';
import { mapPostgresType } from '../../pipelines/sources/postgres/type-mapping';
import {
  buildBucketRowsSql,
  buildBucketSumsSql,
  canonicalTypeOf,
  type ChecksumColumn,
} from '../../pipelines/sources/checksum-sql';
import { SOURCE_DRIVERS } from '../../pipelines/sources/drivers';
import { duckdbChecksumDialect } from '../../pipelines/reconcile/duckdb-checksum';
import { chooseChunks, diffKeys } from '../../pipelines/reconcile/compare-table';

const oracle = (
  name: string,
  dataType: string,
  precision: number | null = null,
  scale: number | null = null,
) => {
  const type = { dataType, precision, scale };
  return { name, sourceType: describeOracleType(type), nullable: true, type: mapOracleType(type) };
};

test('canonical kinds follow the Delta type; floats and nested types are left out', () => {
  assert.deepEqual(canonicalTypeOf('decimal(12,2)'), { kind: 'decimal', precision: 12, scale: 2 });
  assert.deepEqual(canonicalTypeOf('long'), { kind: 'integer' });
  assert.deepEqual(canonicalTypeOf('timestamp'), { kind: 'timestamp' });
  assert.equal(canonicalTypeOf('double'), null);
  assert.equal(canonicalTypeOf('float'), null);
  assert.equal(canonicalTypeOf('array<string>'), null);
});

test('Oracle checksum SQL (golden): STANDARD_HASH MD5, 60 bits from 15 hex digits, escaped text, NULL marker', () => {
  const id = oracle('id', 'NUMBER', 18, 0);
  const name = oracle('name', 'VARCHAR2');
  const columns: ChecksumColumn[] = [
    { name: 'id', type: { kind: 'integer' }, source: id },
    { name: 'name', type: { kind: 'string' }, source: name },
  ];
  const dialect = SOURCE_DRIVERS.oracle.checksum({ schema: 'ops', name: 'items' });
  const hash = (text: string) =>
    `TO_NUMBER(SUBSTR(LOWER(RAWTOHEX(STANDARD_HASH(${text}, 'MD5'))), 1, 15), 'XXXXXXXXXXXXXXX')`;
  const key = `COALESCE(TO_CHAR("ID"), '%N')`;
  const row = `(${key} || '|' || COALESCE(REPLACE(REPLACE(TO_CHAR("NAME"), '%', '%25'), '|', '%7C'), '%N'))`;
  const inner = `SELECT MOD(${hash(key)}, 8) AS rc_bucket, ${key} AS rc_key, ${hash(row)} AS rc_hash FROM "OPS"."ITEMS"`;
  const input = { keys: columns.slice(0, 1), columns, buckets: 8 };
  assert.equal(
    buildBucketSumsSql(dialect, input),
    `SELECT TO_CHAR(rc_bucket) AS rc_b, TO_CHAR(COUNT(*)) AS rc_n, TO_CHAR(SUM(rc_hash)) AS rc_s FROM (${inner}) rc GROUP BY rc_bucket`,
  );
  const withKey = inner.replace(' FROM "OPS"', `, "ID" AS rc_x0 FROM "OPS"`);
  assert.equal(
    buildBucketRowsSql(dialect, input, [2, 5], [dialect.renderKey(id)]),
    `SELECT rc_key, TO_CHAR(rc_hash) AS rc_h, rc_x0 FROM (${withKey}) rc WHERE rc_bucket IN (2, 5)`,
  );
  const decimal = dialect.canonical({
    name: 'amount',
    type: { kind: 'decimal', precision: 12, scale: 2 },
    source: oracle('amount', 'NUMBER', 12, 2),
  });
  assert.equal(decimal, `TO_CHAR("AMOUNT", 'FM9999999990.00')`);
});

test('each engine spells the same canonical forms', () => {
  const pg = SOURCE_DRIVERS.postgres.checksum({ name: 'items' });
  const my = SOURCE_DRIVERS.mysql.checksum({ name: 'items' });
  const duck = duckdbChecksumDialect('SELECT 1');
  const ts = { name: 'at', type: { kind: 'timestamp' as const } };
  assert.equal(
    pg.canonical({
      ...ts,
      source: {
        name: 'at',
        sourceType: 'timestamp without time zone',
        nullable: true,
        type: mapPostgresType('timestamp without time zone'),
      },
    }),
    `trunc(extract(epoch FROM "at") * 1000000)::bigint::text`,
  );
  assert.match(
    my.canonical({
      ...ts,
      source: {
        name: 'at',
        sourceType: 'datetime(6)',
        nullable: true,
        type: { delta: 'timestamp', duckdb: 'TIMESTAMPTZ', decode: 'utc_timestamp' },
      },
    }),
    /TIMESTAMPDIFF\(MICROSECOND, '1970-01-01 00:00:00', `at`\)/,
  );
  assert.equal(duck.canonical(ts), 'CAST(epoch_us("at") AS VARCHAR)');
  assert.equal(my.hexToInt('h'), 'CAST(CONV(h, 16, 10) AS UNSIGNED)');
  assert.equal(pg.hexToInt('h'), `('x' || h)::bit(60)::bigint`);
});

test('a re-extract by key is a keyed IN list in every dialect; Oracle compares the extract rendering', () => {
  const columns = [{ name: 'id', sourceType: 'integer', nullable: false, type: mapPostgresType('integer') }];
  assert.deepEqual(
    buildPostgresSelect({
      table: { name: 'items' },
      columns,
      keyIn: { columns: ['id'], values: [['1'], ['2']] },
    }),
    { text: 'SELECT "id"::text AS "id" FROM "items" WHERE ("id") IN (($1), ($2))', values: ['1', '2'] },
  );
  assert.deepEqual(
    buildMysqlSelect({
      table: { name: 'items' },
      columns: [{ ...columns[0]!, sourceType: 'int(11)' }],
      keyIn: { columns: ['id'], values: [['7']] },
    }),
    { sql: 'SELECT `id` AS `id` FROM `items` WHERE (`id`) IN ((?))', values: ['7'] },
  );
  const due = oracle('due', 'DATE');
  const query = buildOracleSelect(
    {
      table: { name: 'items' },
      columns: [due],
      keyIn: { columns: ['due'], values: [['2026-01-02 00:00:00']] },
    },
    '42',
  );
  assert.match(query.sql, /WHERE \(TO_CHAR\("DUE", 'YYYY-MM-DD HH24:MI:SS'\)\) IN \(\(:k0_0\)\)$/);
  assert.deepEqual(query.binds, { scn: '42', k0_0: '2026-01-02 00:00:00' });
});

test('bad identifiers and bucket numbers are refused before any SQL is built', () => {
  const dialect = SOURCE_DRIVERS.postgres.checksum({ name: 'items' });
  const bad: ChecksumColumn = { name: 'x"; DROP TABLE t; --', type: { kind: 'integer' } };
  assert.throws(
    () => buildBucketSumsSql(dialect, { keys: [bad], columns: [bad], buckets: 4 }),
    /INVALID_IDENTIFIER/,
  );
  const ok: ChecksumColumn = { name: 'id', type: { kind: 'integer' } };
  assert.throws(
    () => buildBucketSumsSql(dialect, { keys: [ok], columns: [ok], buckets: 0 }),
    /positive integer/,
  );
  assert.throws(
    () => buildBucketRowsSql(dialect, { keys: [ok], columns: [ok], buckets: 4 }, [1.5]),
    /non-negative/,
  );
  assert.throws(() => SOURCE_DRIVERS.mysql.checksum({ name: 'a`b' }), /INVALID_IDENTIFIER/);
});

test('chunks follow the row count; keys are told apart by side and hash', () => {
  assert.equal(chooseChunks(0), 1);
  assert.equal(chooseChunks(300_000), 300);
  assert.equal(chooseChunks(1e12), 20_000);
  const keys = diffKeys(
    [
      ['1', '10', '1'],
      ['2', '20', '2'],
      ['3', '30', '3'],
    ],
    [
      ['1', '10'],
      ['2', '21'],
      ['4', '40'],
    ],
  );
  assert.deepEqual(
    keys.map((key) => [key.key, key.issue, key.sourceKey]),
    [
      ['2', 'different', ['2']],
      ['3', 'missing_in_delta', ['3']],
      ['4', 'missing_in_source', undefined],
    ],
  );
});
