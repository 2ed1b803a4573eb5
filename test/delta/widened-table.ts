// A hand-made table whose first file was written before its columns were widened (top level, in structs, arrays
// and maps, and a date partition widened to timestamp_ntz), next to a file written after: shared by the server
// path's type-widening test and the browser's.

import { field, metaData, protocol, writeCommit, writeDataFile, type HandMadeLake } from './hand-made-table';

const narrow = [
  field('id', 'integer'),
  field('b', 'byte'),
  field('f', 'float'),
  field('d', 'date'),
  field('m', 'decimal(5,2)'),
  field('i2d', 'integer'),
  field('s2m', 'short'),
  field('st', { type: 'struct', fields: [field('x', 'short')] }),
  field('arr', { type: 'array', elementType: 'integer', containsNull: true }),
  field('items', {
    type: 'array',
    elementType: { type: 'struct', fields: [field('y', 'integer')] },
    containsNull: true,
  }),
  field('mp', { type: 'map', keyType: 'integer', valueType: 'float', valueContainsNull: true }),
  field('day', 'date'),
];

const change = (fromType: string, toType: string, fieldPath?: string) => ({
  fromType,
  toType,
  ...(fieldPath ? { fieldPath } : {}),
});

const wide = [
  field('id', 'long', { 'delta.typeChanges': [change('integer', 'long')] }),
  field('b', 'integer', { 'delta.typeChanges': [change('byte', 'short'), change('short', 'integer')] }),
  field('f', 'double', { 'delta.typeChanges': [change('float', 'double')] }),
  field('d', 'timestamp_ntz', { 'delta.typeChanges': [change('date', 'timestamp_ntz')] }),
  field('m', 'decimal(10,4)', { 'delta.typeChanges': [change('decimal(5,2)', 'decimal(10,4)')] }),
  field('i2d', 'double', { 'delta.typeChanges': [change('integer', 'double')] }),
  field('s2m', 'decimal(12,2)', { 'delta.typeChanges': [change('short', 'decimal(12,2)')] }),
  field('st', {
    type: 'struct',
    fields: [field('x', 'long', { 'delta.typeChanges': [change('short', 'long')] })],
  }),
  field(
    'arr',
    { type: 'array', elementType: 'long', containsNull: true },
    { 'delta.typeChanges': [change('integer', 'long', 'element')] },
  ),
  field('items', {
    type: 'array',
    elementType: {
      type: 'struct',
      fields: [field('y', 'long', { 'delta.typeChanges': [change('integer', 'long')] })],
    },
    containsNull: true,
  }),
  field(
    'mp',
    { type: 'map', keyType: 'long', valueType: 'double', valueContainsNull: true },
    { 'delta.typeChanges': [change('integer', 'long', 'key'), change('float', 'double', 'value')] },
  ),
  field('day', 'timestamp_ntz', { 'delta.typeChanges': [change('date', 'timestamp_ntz')] }),
];

/** Writes the table at `table` in the lake: version 0 narrow, version 1 widened. */
export async function writeWidenedTable(lake: HandMadeLake, table: string): Promise<void> {
  // Version 0: the narrow schema and a file in its types.
  const before = await writeDataFile(
    lake,
    table,
    'day=2020-01-01/part-0.parquet',
    `SELECT 1::INTEGER AS id, -5::TINYINT AS b, 1.5::FLOAT AS f, DATE '2020-01-02' AS d, 123.45::DECIMAL(5,2) AS m,
       7::INTEGER AS i2d, -300::SMALLINT AS s2m, {'x': 12::SMALLINT} AS st, [1::INTEGER, NULL] AS arr,
       [{'y': 2::INTEGER}] AS items, MAP {3::INTEGER: 0.25::FLOAT} AS mp`,
    { partitionValues: { day: '2020-01-01' } },
  );
  await writeCommit(lake, table, 0, [
    protocol(['typeWidening']),
    metaData(narrow, ['day'], { 'delta.enableTypeWidening': 'true' }),
    before,
  ]);
  // Version 1: every column widened; a file whose values only fit the wide types.
  const afterFile = await writeDataFile(
    lake,
    table,
    'day=2021-02-03 04%3A05%3A06/part-1.parquet',
    `SELECT 5000000000::BIGINT AS id, 100000::INTEGER AS b, 1e300::DOUBLE AS f,
       TIMESTAMP '2021-02-03 04:05:06.5' AS d, 123456.7891::DECIMAL(10,4) AS m, 0.5::DOUBLE AS i2d,
       1234567890.12::DECIMAL(12,2) AS s2m, {'x': 9000000000::BIGINT} AS st, [9000000000::BIGINT] AS arr,
       [{'y': 8000000000::BIGINT}] AS items, MAP {7000000000::BIGINT: 1e300::DOUBLE} AS mp`,
    { partitionValues: { day: '2021-02-03 04:05:06' } },
  );
  await writeCommit(lake, table, 1, [
    metaData(wide, ['day'], { 'delta.enableTypeWidening': 'true' }),
    afterFile,
  ]);
}
