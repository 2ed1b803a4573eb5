import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPhysicalTree } from '../../pipelines/delta/physical-schema';
import { buildScanSql, buildValueExpression } from '../../pipelines/delta/scan-sql';
import type { StructType } from '../../pipelines/delta/schema';

const mapped = (name: string, physical: string, id: number, type: StructType['fields'][number]['type']) => ({
  name,
  type,
  nullable: true,
  metadata: { 'delta.columnMapping.physicalName': physical, 'delta.columnMapping.id': id },
});

const schema: StructType = {
  type: 'struct',
  fields: [
    mapped('id', 'col-1', 1, 'long'),
    mapped('s', 'col-2', 2, { type: 'struct', fields: [mapped('x', 'col-3', 3, 'integer')] }),
    mapped('part', 'col-4', 4, 'string'),
    mapped('added', 'col-5', 5, 'string'),
  ],
};

test('column mapping: nested struct fields are read by physical name and renamed', () => {
  const field = schema.fields[1];
  assert.ok(field);
  const sql = buildValueExpression('"col-2"', field.type, 'name', undefined);
  assert.match(sql, /struct_extract\("col-2", 'col-3'\)/);
  assert.match(sql, /"x" := CAST\(/);
});

test('id mode finds columns by field id; absent columns read as NULL; partitions are literals', () => {
  // buildPhysicalTree reads depth-first: the struct's child follows it.
  const withChild = buildPhysicalTree([
    { name: 'spark_schema', numChildren: 2 },
    { name: 'renamed-in-file', fieldId: 1, numChildren: 0 },
    { name: 'col-2', fieldId: 2, numChildren: 1 },
    { name: 'col-3', fieldId: 3, numChildren: 0 },
  ]);
  assert.equal(withChild.children[1]?.children[0]?.name, 'col-3');
  const sql = buildScanSql(
    [{ localPath: '/t/a.parquet', partitionValues: { 'col-4': 'p1' }, physical: withChild }],
    { schema, partitionColumns: ['part'], mode: 'id' },
  );
  assert.match(sql, /CAST\(d\."renamed-in-file" AS BIGINT\) AS "id"/);
  assert.match(sql, /CAST\(NULL AS VARCHAR\) AS "added"/);
  assert.match(sql, /'p1'/);
});

test('files are grouped by physical schema; files with deletion vectors are read one by one', () => {
  const tree = buildPhysicalTree([
    { name: 'root', numChildren: 1 },
    { name: 'col-1', numChildren: 0 },
  ]);
  const sql = buildScanSql(
    [
      { localPath: '/t/a.parquet', partitionValues: {}, physical: tree },
      { localPath: '/t/b.parquet', partitionValues: {}, physical: tree },
      { localPath: '/t/c.parquet', partitionValues: {}, physical: tree, deletedRows: [0, 3] },
    ],
    { schema, partitionColumns: ['part'], mode: 'name' },
  );
  const branches = sql.split('\nUNION ALL\n');
  assert.equal(branches.length, 2);
  assert.ok(branches.some((branch) => branch.includes("['/t/a.parquet', '/t/b.parquet']")));
  assert.ok(branches.some((branch) => branch.includes('file_row_number NOT IN')));
  assert.match(buildScanSql([], { schema, partitionColumns: [], mode: 'none' }), /WHERE false$/);
});
