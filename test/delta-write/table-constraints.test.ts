// CHECK constraints, column invariants and NOT NULL columns on real writes: rows that obey them commit; a write
// with one violating row (false or NULL) fails naming the rule and the row's values, commits nothing and leaves
// no file in the table — for append, overwrite, merge (copy-on-write and deletion vectors), partitioned tables and
// createTable. An expression the writer cannot evaluate faithfully refuses the write up front.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import type { StructType } from '../../pipelines/delta/schema';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { optimize } from '../../pipelines/delta/write/optimize';
import { append, overwrite } from '../../pipelines/delta/write/write-table';
import { openTestLake, readRows, type TestLake } from './helpers';
import { editLog, listTableFiles } from './log-edits';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

const violation =
  (name: string, values: string) =>
  (error: unknown): boolean =>
    isDeltaError(error, 'CONSTRAINT_VIOLATION') &&
    error.message.includes(name) &&
    error.message.includes(values);

/** Runs `write`, expects `check` to match its error, and proves the table did not change at all. */
async function assertRefusedCleanly(
  root: string,
  write: () => Promise<unknown>,
  check: (error: unknown) => boolean,
): Promise<void> {
  const files = await listTableFiles(lake, root);
  const before = await loadSnapshot(lake.effects, root);
  const rows = await readRows(lake.effects, root);
  await assert.rejects(write(), check);
  assert.deepEqual(await listTableFiles(lake, root), files, 'no file was left in the table');
  assert.equal((await loadSnapshot(lake.effects, root)).version, before.version, 'nothing was committed');
  assert.deepEqual(await readRows(lake.effects, root), rows);
}

for (const [label, properties, partitionColumns] of [
  ['copy-on-write', {}, []],
  ['deletion vectors', { 'delta.enableDeletionVectors': 'true' }, []],
  ['partitioned', {}, ['region']],
] as const) {
  test(`CHECK constraints (${label}): obeying rows commit, a violating row fails every kind of write`, async () => {
    const root = `tables/check-${label.replace(/\W+/g, '-')}`;
    await createTable(lake.effects, root, {
      data: `SELECT * FROM (VALUES (1, 10, 'north'), (2, 20, 'south')) t(id, amount, region)`,
      properties,
      partitionColumns: [...partitionColumns],
    });
    const snapshot = await loadSnapshot(lake.effects, root);
    // Added by hand as Spark's ALTER TABLE ADD CONSTRAINT would: the property and writer version 3 (or the feature).
    await editLog(lake, root, {
      ...(snapshot.protocol.minWriterVersion === 7
        ? {
            protocol: {
              ...snapshot.protocol,
              writerFeatures: [...(snapshot.protocol.writerFeatures ?? []), 'checkConstraints'],
            },
          }
        : { protocol: { minReaderVersion: 1, minWriterVersion: 3 } }),
      configuration: {
        ...snapshot.metadata.configuration,
        'delta.constraints.positive': 'amount > 0',
        'delta.constraints.known_region': "region IN ('north', 'south', 'east')",
      },
    });
    await append(lake.effects, root, `SELECT 3 AS id, 30 AS amount, 'east' AS region`);
    await merge(lake.effects, root, `SELECT 1 AS id, 11 AS amount, 'north' AS region`, { keys: ['id'] });

    await assertRefusedCleanly(
      root,
      () =>
        append(
          lake.effects,
          root,
          `SELECT * FROM (VALUES (4, 40, 'east'), (5, -5, 'east')) t(id, amount, region)`,
        ),
      violation('CHECK constraint positive (amount > 0)', 'amount = -5'),
    );
    await assertRefusedCleanly(
      root,
      () => append(lake.effects, root, `SELECT 6 AS id, 60 AS amount, 'west' AS region`),
      violation('CHECK constraint known_region', "region = 'west'"),
    );
    // NULL is not TRUE: the row violates the constraint (PROTOCOL.md: it "must return true").
    await assertRefusedCleanly(
      root,
      () => append(lake.effects, root, `SELECT 7 AS id, NULL::INTEGER AS amount, 'east' AS region`),
      violation('positive', 'amount = NULL'),
    );
    await assertRefusedCleanly(
      root,
      () => overwrite(lake.effects, root, `SELECT 8 AS id, 0 AS amount, 'east' AS region`),
      violation('positive', 'amount = 0'),
    );
    await assertRefusedCleanly(
      root,
      () => merge(lake.effects, root, `SELECT 2 AS id, -20 AS amount, 'south' AS region`, { keys: ['id'] }),
      violation('positive', 'amount = -20'),
    );
    assert.deepEqual(await readRows(lake.effects, root), [
      { id: 1, amount: 11, region: 'north' },
      { id: 2, amount: 20, region: 'south' },
      { id: 3, amount: 30, region: 'east' },
    ]);
  });
}

test('createTable with a CHECK constraint takes writer 3 and refuses violating first rows', async () => {
  const root = 'tables/check-create';
  await createTable(lake.effects, root, {
    data: 'SELECT 1 AS id',
    properties: { 'delta.constraints.small': 'id < 10' },
  });
  assert.deepEqual((await loadSnapshot(lake.effects, root)).protocol, {
    minReaderVersion: 1,
    minWriterVersion: 3,
  });
  const bad = 'tables/check-create-bad';
  await assert.rejects(
    createTable(lake.effects, bad, {
      data: 'SELECT 11 AS id',
      properties: { 'delta.constraints.small': 'id < 10' },
    }),
    violation('CHECK constraint small', 'id = 11'),
  );
  assert.equal(existsSync(path.join(lake.dir, bad)), false, 'no table folder, no file');
});

test('column invariants, nested ones included, and NOT NULL columns are enforced; optimize is unaffected', async () => {
  const root = 'tables/invariants';
  await createTable(lake.effects, root, { data: `SELECT 5 AS x, {'zip': '12345'} AS address, 'a' AS name` });
  const snapshot = await loadSnapshot(lake.effects, root);
  const invariant = (expression: string) => ({
    'delta.invariants': JSON.stringify({ expression: { expression } }),
  });
  const schema: StructType = {
    type: 'struct',
    fields: snapshot.schema.fields.map((field) => {
      if (field.name === 'x') return { ...field, metadata: invariant('x > 3') };
      if (field.name === 'name') return { ...field, nullable: false };
      if (field.name === 'address' && typeof field.type !== 'string' && field.type.type === 'struct') {
        const zip = field.type.fields[0];
        if (!zip) throw new Error('zip field expected');
        return {
          ...field,
          type: { ...field.type, fields: [{ ...zip, metadata: invariant('length(address.zip) = 5') }] },
        };
      }
      return field;
    }),
  };
  // length() is not on the allow-list: the table cannot be written, and says which rule is the problem.
  await editLog(lake, root, { schema });
  await assertRefusedCleanly(
    root,
    () => append(lake.effects, root, `SELECT 6 AS x, {'zip': '54321'} AS address, 'b' AS name`),
    (error) =>
      isDeltaError(error, 'UNSUPPORTED_CONSTRAINT') &&
      error.message.includes('Invariant of column address.zip') &&
      error.message.includes("function 'length'"),
  );
  const fixed = JSON.parse(
    JSON.stringify(schema).replace('length(address.zip) = 5', "address.zip LIKE '_____'"),
  );
  await editLog(lake, root, { schema: fixed });
  await append(lake.effects, root, `SELECT 6 AS x, {'zip': '54321'} AS address, 'b' AS name`);
  await assertRefusedCleanly(
    root,
    () => append(lake.effects, root, `SELECT 3 AS x, {'zip': '54321'} AS address, 'c' AS name`),
    violation('Invariant of column x (x > 3)', 'x = 3'),
  );
  await assertRefusedCleanly(
    root,
    () => append(lake.effects, root, `SELECT 7 AS x, {'zip': '123'} AS address, 'c' AS name`),
    violation('Invariant of column address.zip', "address.zip = '123'"),
  );
  await assertRefusedCleanly(
    root,
    () => append(lake.effects, root, `SELECT 7 AS x, {'zip': '12345'} AS address, NULL::VARCHAR AS name`),
    violation('NOT NULL column name', 'name = NULL'),
  );
  const compacted = await optimize(lake.effects, root);
  assert.equal(compacted.metrics.numFilesRemoved, 2);
  assert.equal((await readRows(lake.effects, root)).length, 2);
});

test('an expression outside the supported subset, or not boolean, refuses the write before any file', async () => {
  const root = 'tables/check-unsupported';
  await createTable(lake.effects, root, { data: 'SELECT 1 AS id' });
  const configurations: [Record<string, string>, RegExp][] = [
    [
      { 'delta.constraints.evil': "id > 0) OR (SELECT count(*) FROM read_text('/etc/passwd')) > 0 OR (id" },
      /CHECK constraint evil/,
    ],
    [{ 'delta.constraints.comment': 'id > 0 -- or anything' }, /comments are not allowed/],
    [{ 'delta.constraints.sum': 'id + 1' }, /is not a boolean expression/],
  ];
  for (const [configuration, reason] of configurations) {
    await editLog(lake, root, { protocol: { minReaderVersion: 1, minWriterVersion: 3 }, configuration });
    await assertRefusedCleanly(
      root,
      () => append(lake.effects, root, 'SELECT 2 AS id'),
      (error) => isDeltaError(error, 'UNSUPPORTED_CONSTRAINT') && reason.test(error.message),
    );
  }
});

test('a merge with deletion vectors whose new rows violate a constraint leaves no deletion vector file', async () => {
  const root = 'tables/check-dv-file';
  await createTable(lake.effects, root, {
    data: 'SELECT range AS id, range + 1 AS amount FROM range(0, 2000)',
    properties: { 'delta.enableDeletionVectors': 'true', 'delta.constraints.positive': 'amount > 0' },
  });
  // 1,000 matched rows at scattered positions: too many for an inline vector, so a vector file is written first.
  await assertRefusedCleanly(
    root,
    () =>
      merge(
        lake.effects,
        root,
        'SELECT range * 2 AS id, CASE WHEN range = 999 THEN -1 ELSE 5 END AS amount FROM range(0, 1000)',
        { keys: ['id'] },
      ),
    violation('positive', 'amount = -1'),
  );
  const updated = await merge(lake.effects, root, 'SELECT range * 2 AS id, 5 AS amount FROM range(0, 1000)', {
    keys: ['id'],
  });
  assert.equal(updated.metrics.numTargetRowsUpdated, 1000);
  assert.ok(
    (await listTableFiles(lake, root)).some((file) => file.startsWith('deletion_vector_')),
    'the same merge without the bad row does write a vector file (so the refusal above removed one)',
  );
});
