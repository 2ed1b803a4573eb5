// scan-order.ts: a full load skips its whole-row sort only when a plain scan of the table already yields the rows
// in key order; any doubt (rows out of order within or across files, a composite key, partitions) keeps the sort.
// An ordered integer key is cut into key ranges covering every row once.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadSnapshot, planScan } from '../../pipelines/delta/index';
import { append, createTable } from '../../pipelines/delta/write';
import { readKeyOrder, type KeyOrder } from '../../pipelines/sync/mysql/scan-order';
import { openTestLake, type TestLake } from '../delta-write/helpers';

let lake: TestLake;
before(async () => {
  lake = await openTestLake();
});
after(async () => {
  await lake.close();
});

const rows = (from: number, to: number, order = 'ASC') =>
  `SELECT range::BIGINT AS id, range % 3 AS grp, 'v' || range AS v FROM range(${from}, ${to}) ORDER BY id ${order}`;

async function keyOrder(root: string, keys: string[] = ['id'], rowsPerChunk = 0): Promise<KeyOrder> {
  const snapshot = await loadSnapshot(lake.effects, root);
  const plan = await planScan(lake.effects, snapshot);
  try {
    return await readKeyOrder(lake.effects, snapshot, plan, keys, rowsPerChunk);
  } finally {
    await plan.release();
  }
}

async function inOrder(root: string, keys: string[] = ['id']): Promise<boolean> {
  return (await keyOrder(root, keys)).ordered;
}

test('files in key order, one after another: no sort needed', async () => {
  await createTable(lake.effects, 'tables/ordered', { data: rows(0, 500) });
  await append(lake.effects, 'tables/ordered', rows(500, 900));
  assert.equal(await inOrder('tables/ordered'), true);
  // Cut into key ranges of 300 rows that cover every key once, in order.
  assert.deepEqual((await keyOrder('tables/ordered', ['id'], 300)).chunks, [
    { low: '0', high: '299' },
    { low: '300', high: '599' },
    { low: '600', high: '899' },
  ]);
});

test('rows out of order within a file, or a later file with lower keys: sorted', async () => {
  await createTable(lake.effects, 'tables/descending', { data: rows(0, 500, 'DESC') });
  assert.deepEqual(await keyOrder('tables/descending', ['id'], 100), { ordered: false, chunks: [] });
  await createTable(lake.effects, 'tables/interleaved', { data: rows(500, 900) });
  await append(lake.effects, 'tables/interleaved', rows(0, 500));
  assert.equal(await inOrder('tables/interleaved'), false);
});

test('a composite key or a partitioned table is always sorted', async () => {
  assert.equal(await inOrder('tables/ordered', ['id', 'grp']), false);
  await createTable(lake.effects, 'tables/partitioned', { data: rows(0, 90), partitionColumns: ['grp'] });
  assert.equal(await inOrder('tables/partitioned'), false);
});
