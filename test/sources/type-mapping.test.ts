// Golden tests of the three sources' type mappings: source type → Delta type, DuckDB Parquet type, text decoding.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapMysqlType } from '../../pipelines/sources/mysql/type-mapping';
import { mapOracleType } from '../../pipelines/sources/oracle/type-mapping';
import { mapPostgresType } from '../../pipelines/sources/postgres/type-mapping';
import { isSourceError, type MappedType } from '../../pipelines/sources/source';

const show = (type: MappedType): string => `${type.delta} | ${type.duckdb} | ${type.decode}`;

test('PostgreSQL types', () => {
  const golden: Record<string, string> = {
    'numeric(14,2)': 'decimal(14,2) | DECIMAL(14,2) | cast',
    'numeric(38,0)': 'decimal(38,0) | DECIMAL(38,0) | cast',
    'numeric(5)': 'decimal(5,0) | DECIMAL(5,0) | cast',
    numeric: 'decimal(38,18) | DECIMAL(38,18) | cast',
    'numeric(50,10)': 'string | VARCHAR | cast',
    smallint: 'integer | INTEGER | cast',
    integer: 'integer | INTEGER | cast',
    bigint: 'long | BIGINT | cast',
    real: 'double | DOUBLE | cast',
    'double precision': 'double | DOUBLE | cast',
    boolean: 'boolean | BOOLEAN | cast',
    text: 'string | VARCHAR | cast',
    'character varying(40)': 'string | VARCHAR | cast',
    'character(3)': 'string | VARCHAR | cast',
    date: 'date | DATE | cast',
    'timestamp without time zone': 'timestamp | TIMESTAMPTZ | utc_timestamp',
    'timestamp(3) without time zone': 'timestamp | TIMESTAMPTZ | utc_timestamp',
    'timestamp with time zone': 'timestamp | TIMESTAMPTZ | cast',
    'time without time zone': 'string | VARCHAR | cast',
    interval: 'string | VARCHAR | cast',
    json: 'string | VARCHAR | cast',
    jsonb: 'string | VARCHAR | cast',
    uuid: 'string | VARCHAR | cast',
    bytea: 'binary | BLOB | hex',
    'integer[]': 'array<integer> | INTEGER[] | json',
    'text[]': 'array<string> | VARCHAR[] | json',
    'numeric(10,2)[]': 'array<decimal(10,2)> | DECIMAL(10,2)[] | json',
    'bytea[]': 'string | VARCHAR | cast',
  };
  for (const [type, expected] of Object.entries(golden))
    assert.equal(show(mapPostgresType(type)), expected, type);
  assert.throws(
    () => mapPostgresType('tsvector'),
    (error: unknown) => isSourceError(error, 'UNSUPPORTED_TYPE'),
  );
});

test('MySQL / MariaDB types', () => {
  const golden: Record<string, string> = {
    'tinyint(1)': 'integer | INTEGER | cast',
    'smallint(6)': 'integer | INTEGER | cast',
    'int(11)': 'integer | INTEGER | cast',
    'int(10) unsigned': 'long | BIGINT | cast',
    'bigint(20)': 'long | BIGINT | cast',
    'bigint(20) unsigned': 'decimal(20,0) | DECIMAL(20,0) | cast',
    'decimal(14,2)': 'decimal(14,2) | DECIMAL(14,2) | cast',
    'decimal(65,2)': 'string | VARCHAR | cast',
    double: 'double | DOUBLE | cast',
    float: 'double | DOUBLE | cast',
    'varchar(40)': 'string | VARCHAR | cast',
    longtext: 'string | VARCHAR | cast',
    "enum('a','b')": 'string | VARCHAR | cast',
    json: 'string | VARCHAR | cast',
    date: 'date | DATE | cast',
    datetime: 'timestamp | TIMESTAMPTZ | utc_timestamp',
    'datetime(6)': 'timestamp | TIMESTAMPTZ | utc_timestamp',
    timestamp: 'timestamp | TIMESTAMPTZ | utc_timestamp',
    time: 'string | VARCHAR | cast',
    year: 'integer | INTEGER | cast',
    'bit(1)': 'long | BIGINT | cast',
    blob: 'binary | BLOB | hex',
    'varbinary(16)': 'binary | BLOB | hex',
  };
  for (const [type, expected] of Object.entries(golden))
    assert.equal(show(mapMysqlType(type)), expected, type);
  assert.throws(
    () => mapMysqlType('geometry'),
    (error: unknown) => isSourceError(error, 'UNSUPPORTED_TYPE'),
  );
});

test('Oracle types', () => {
  const golden: Array<[string, number | null, number | null, string]> = [
    ['NUMBER', null, null, 'decimal(38,10) | DECIMAL(38,10) | cast'],
    ['NUMBER', null, 0, 'decimal(38,0) | DECIMAL(38,0) | cast'],
    ['NUMBER', 9, 0, 'integer | INTEGER | cast'],
    ['NUMBER', 10, 0, 'long | BIGINT | cast'],
    ['NUMBER', 18, 0, 'long | BIGINT | cast'],
    ['NUMBER', 19, 0, 'decimal(19,0) | DECIMAL(19,0) | cast'],
    ['NUMBER', 14, 2, 'decimal(14,2) | DECIMAL(14,2) | cast'],
    ['NUMBER', 2, 5, 'decimal(5,5) | DECIMAL(5,5) | cast'],
    ['NUMBER', 5, -2, 'decimal(7,0) | DECIMAL(7,0) | cast'],
    ['FLOAT', 126, null, 'double | DOUBLE | cast'],
    ['BINARY_FLOAT', null, null, 'double | DOUBLE | cast'],
    ['BINARY_DOUBLE', null, null, 'double | DOUBLE | cast'],
    ['DATE', null, null, 'timestamp | TIMESTAMPTZ | utc_timestamp'],
    ['TIMESTAMP(6)', null, 6, 'timestamp | TIMESTAMPTZ | utc_timestamp'],
    ['TIMESTAMP(6) WITH TIME ZONE', null, 6, 'timestamp | TIMESTAMPTZ | utc_timestamp'],
    ['TIMESTAMP(6) WITH LOCAL TIME ZONE', null, 6, 'timestamp | TIMESTAMPTZ | utc_timestamp'],
    ['VARCHAR2', null, null, 'string | VARCHAR | cast'],
    ['NVARCHAR2', null, null, 'string | VARCHAR | cast'],
    ['CHAR', null, null, 'string | VARCHAR | cast'],
    ['CLOB', null, null, 'string | VARCHAR | cast'],
    ['NCLOB', null, null, 'string | VARCHAR | cast'],
    ['BLOB', null, null, 'binary | BLOB | hex'],
    ['RAW', null, null, 'binary | BLOB | hex'],
    ['INTERVAL DAY(2) TO SECOND(6)', null, null, 'string | VARCHAR | cast'],
    ['INTERVAL YEAR(2) TO MONTH', null, null, 'string | VARCHAR | cast'],
    ['ROWID', null, null, 'string | VARCHAR | cast'],
  ];
  for (const [dataType, precision, scale, expected] of golden) {
    assert.equal(
      show(mapOracleType({ dataType, precision, scale })),
      expected,
      `${dataType}(${precision},${scale})`,
    );
  }
  assert.throws(
    () => mapOracleType({ dataType: 'SDO_GEOMETRY', precision: null, scale: null }),
    (error: unknown) => isSourceError(error, 'UNSUPPORTED_TYPE'),
  );
});
