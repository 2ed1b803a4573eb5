// Golden tests of the Delta → MySQL type mapping and DDL (pure, no services).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StructType } from '../../pipelines/delta/index';
import { isSyncError } from '../../pipelines/sync/errors';
import { buildAddColumnsSql, buildCreateTableSql, buildSwapTablesSql } from '../../pipelines/sync/mysql/ddl';
import { mapDeltaSchema, mapDeltaType } from '../../pipelines/sync/mysql/type-mapping';

const field = (name: string, type: StructType['fields'][number]['type'], nullable = true) => ({
  name,
  type,
  nullable,
  metadata: {},
});

const map = (
  type: StructType['fields'][number]['type'],
  extra: Partial<Parameters<typeof mapDeltaType>[2]> = {},
) => mapDeltaType('c', type, { keyColumns: ['k'], ...extra }).sqlType;

test('primitive types map to their MySQL counterparts', () => {
  assert.deepEqual(
    [
      'byte',
      'short',
      'integer',
      'long',
      'float',
      'double',
      'boolean',
      'date',
      'timestamp',
      'timestamp_ntz',
    ].map((t) => map(t)),
    [
      'TINYINT',
      'SMALLINT',
      'INT',
      'BIGINT',
      'FLOAT',
      'DOUBLE',
      'BOOLEAN',
      'DATE',
      'DATETIME(6)',
      'DATETIME(6)',
    ],
  );
  assert.equal(mapDeltaType('c', 'timestamp', { keyColumns: ['k'] }).note, 'UTC');
});

test('decimals keep precision and scale; beyond MySQL they become text or an error', () => {
  assert.equal(map('decimal(10,2)'), 'DECIMAL(10,2)');
  assert.equal(map('decimal(38,18)'), 'DECIMAL(38,18)');
  assert.equal(map('decimal'), 'DECIMAL(10,0)');
  const wide = mapDeltaType('c', 'decimal(70,2)', { keyColumns: ['k'] });
  assert.equal(wide.sqlType, 'VARCHAR(72)');
  assert.match(wide.note ?? '', /exceeds MySQL DECIMAL/);
  assert.equal(map('decimal(38,36)'), 'VARCHAR(40)');
  assert.throws(
    () => mapDeltaType('c', 'decimal(38,36)', { keyColumns: ['k'], decimalOverflow: 'error' }),
    (error) => isSyncError(error, 'UNSUPPORTED_TYPE'),
  );
});

test('strings become VARCHAR or TEXT types by their measured length; keys stay indexable', () => {
  const lengths = (n: number) => ({ valueLengths: { c: n } });
  assert.equal(map('string'), 'TEXT');
  assert.equal(map('string', lengths(10)), 'VARCHAR(64)');
  assert.equal(map('string', lengths(100)), 'VARCHAR(256)');
  assert.equal(map('string', lengths(1000)), 'VARCHAR(1024)');
  assert.equal(map('string', lengths(5000)), 'TEXT');
  assert.equal(map('string', lengths(20000)), 'MEDIUMTEXT');
  assert.equal(map('string', lengths(5_000_000)), 'LONGTEXT');
  assert.equal(map('string', { ...lengths(5000), maxVarcharLength: 8000 }), 'VARCHAR(8000)');
  const key = (n?: number) =>
    mapDeltaType('k', 'string', { keyColumns: ['k'], ...(n === undefined ? {} : { valueLengths: { k: n } }) })
      .sqlType;
  assert.equal(key(), 'VARCHAR(255)');
  assert.equal(key(12), 'VARCHAR(64)');
  assert.equal(key(700), 'VARCHAR(768)');
  assert.throws(
    () => key(800),
    (error) => isSyncError(error, 'KEY_NOT_INDEXABLE'),
  );
});

test('void (NullType) is a nullable VARCHAR(1) that is always NULL, and never a key', () => {
  assert.equal(map('void'), 'VARCHAR(1)');
  assert.match(mapDeltaType('c', 'void', { keyColumns: ['k'] }).note ?? '', /always NULL/);
  const [, nothing] = mapDeltaSchema(
    { type: 'struct', fields: [field('k', 'long', false), field('nothing', 'void', false)] },
    { keyColumns: ['k'] },
  );
  assert.equal(nothing?.nullable, true);
  assert.throws(
    () => mapDeltaType('k', 'void', { keyColumns: ['k'] }),
    (error) => isSyncError(error, 'KEY_NOT_INDEXABLE'),
  );
});

test('variant becomes a MySQL JSON column (its JSON text), and never a key', () => {
  assert.deepEqual(mapDeltaType('c', 'variant', { keyColumns: ['k'] }), {
    name: 'c',
    sqlType: 'JSON',
    kind: 'json',
    note: 'variant as JSON text',
  });
  assert.throws(
    () => mapDeltaType('k', 'variant', { keyColumns: ['k'] }),
    (error) => isSyncError(error, 'KEY_NOT_INDEXABLE'),
  );
});

test('binary becomes VARBINARY when short or indexed, else LONGBLOB; nested types become JSON', () => {
  assert.equal(map('binary'), 'LONGBLOB');
  assert.equal(map('binary', { valueLengths: { c: 16 } }), 'VARBINARY(64)');
  assert.equal(mapDeltaType('k', 'binary', { keyColumns: ['k'] }).sqlType, 'VARBINARY(255)');
  assert.equal(map({ type: 'array', elementType: 'long', containsNull: true }), 'JSON');
  assert.equal(map({ type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true }), 'JSON');
  assert.equal(map({ type: 'struct', fields: [field('a', 'long')] }), 'JSON');
  assert.throws(
    () => mapDeltaType('k', { type: 'struct', fields: [] }, { keyColumns: ['k'] }),
    (error) => isSyncError(error, 'KEY_NOT_INDEXABLE'),
  );
  assert.throws(
    () => map('interval'),
    (error) => isSyncError(error, 'UNSUPPORTED_TYPE'),
  );
});

test('CREATE TABLE: primary key, NOT NULL keys, extra indexes, utf8mb4 and DYNAMIC rows', () => {
  const schema: StructType = {
    type: 'struct',
    fields: [
      field('county', 'string'),
      field('parcel_id', 'long', false),
      field('owner name', 'string'),
      field('assessed', 'decimal(12,2)'),
      field('updated_at', 'timestamp'),
      field('geo', { type: 'struct', fields: [field('lat', 'double'), field('lon', 'double')] }),
    ],
  };
  const columns = mapDeltaSchema(schema, {
    keyColumns: ['county', 'parcel_id'],
    indexColumns: ['updated_at'],
    valueLengths: { county: 20, 'owner name': 40 },
  });
  assert.equal(
    buildCreateTableSql({
      table: 'parcels',
      columns,
      keyColumns: ['county', 'parcel_id'],
      indexes: [['updated_at']],
    }),
    [
      'CREATE TABLE `parcels` (',
      '  `county` VARCHAR(64) NOT NULL,',
      '  `parcel_id` BIGINT NOT NULL,',
      '  `owner name` VARCHAR(128) NULL,',
      '  `assessed` DECIMAL(12,2) NULL,',
      '  `updated_at` DATETIME(6) NULL,',
      '  `geo` JSON NULL,',
      '  PRIMARY KEY (`county`, `parcel_id`),',
      '  KEY `ix_1_updated_at` (`updated_at`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC',
    ].join('\n'),
  );
  assert.equal(
    buildAddColumnsSql('parcels', [
      { name: 'zone', sqlType: 'VARCHAR(64)', kind: 'string', nullable: false },
    ]),
    'ALTER TABLE `parcels` ADD COLUMN `zone` VARCHAR(64) NULL',
  );
  assert.equal(
    buildSwapTablesSql('parcels', 'parcels__shadow', 'parcels__old'),
    'RENAME TABLE `parcels` TO `parcels__old`, `parcels__shadow` TO `parcels`',
  );
  assert.equal(
    buildSwapTablesSql('parcels', 'parcels__shadow', null),
    'RENAME TABLE `parcels__shadow` TO `parcels`',
  );
});

test('schemas MySQL cannot hold are refused with named errors', () => {
  const schema = (names: string[]): StructType => ({
    type: 'struct',
    fields: names.map((n) => field(n, 'long')),
  });
  assert.throws(
    () => mapDeltaSchema(schema(['id']), { keyColumns: [] }),
    (error) => isSyncError(error, 'KEY_REQUIRED'),
  );
  assert.throws(
    () => mapDeltaSchema(schema(['id']), { keyColumns: ['nope'] }),
    (error) => isSyncError(error, 'INVALID_ARGUMENT'),
  );
  assert.throws(
    () => mapDeltaSchema(schema(['Id', 'id']), { keyColumns: ['id'] }),
    (error) => isSyncError(error, 'INVALID_IDENTIFIER'),
  );
  assert.throws(
    () => mapDeltaSchema(schema(['id', 'a`b']), { keyColumns: ['id'] }),
    (error) => isSyncError(error, 'INVALID_IDENTIFIER'),
  );
  assert.throws(
    () => mapDeltaSchema(schema(['id', 'x'.repeat(65)]), { keyColumns: ['id'] }),
    (error) => isSyncError(error, 'INVALID_IDENTIFIER'),
  );
  assert.throws(
    () => buildCreateTableSql({ table: 'bad-name', columns: [], keyColumns: [] }),
    (error) => isSyncError(error, 'INVALID_IDENTIFIER'),
  );
});

test('wide rows demote the widest VARCHARs to TEXT to stay under the 65,535-byte row limit', () => {
  const fields = Array.from({ length: 20 }, (_, i) => field(`s${i}`, 'string'));
  const lengths = Object.fromEntries(fields.map((f) => [f.name, 1000]));
  const columns = mapDeltaSchema(
    { type: 'struct', fields: [field('id', 'long', false), ...fields] },
    { keyColumns: ['id'], valueLengths: lengths },
  );
  const varchars = columns.filter((c) => c.sqlType.startsWith('VARCHAR'));
  assert.ok(varchars.length * 4 * 1024 < 65535);
  assert.ok(columns.some((c) => c.sqlType === 'TEXT' && /row size/.test(c.note ?? '')));
});
