// Append-only tables (PROTOCOL.md "Append-only Tables"): with delta.appendOnly=true, appends and insert-only merges
// commit, compaction (dataChange=false) commits, and every write that would change or remove rows — overwrite,
// merge updating or deleting, restore removing files — fails with APPEND_ONLY before any file (data or deletion
// vector) reaches the table, on a legacy writer-2 table and on a writer-7 table listing the feature.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeltaError } from '../../pipelines/delta/errors';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { createTable } from '../../pipelines/delta/write/create-table';
import { merge } from '../../pipelines/delta/write/merge';
import { optimize } from '../../pipelines/delta/write/optimize';
import { restore } from '../../pipelines/delta/write/restore';
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

const appendOnlyError = (error: unknown): boolean =>
  isDeltaError(error, 'APPEND_ONLY') && error.message.includes('delta.appendOnly=true');

const source = (rows: string): string => `SELECT * FROM (VALUES ${rows}) s(id, name, gone)`;

for (const [label, properties] of [
  ['legacy writer 2', {}],
  ['writer 7 with deletion vectors', { 'delta.enableDeletionVectors': 'true' }],
] as const) {
  test(`append-only (${label}): appends, insert-only merges and compaction commit; changes are refused`, async () => {
    const root = `tables/append-only-${label.replace(/\W+/g, '-')}`;
    await createTable(lake.effects, root, {
      data: `SELECT 1 AS id, 'a' AS name`,
      properties: { ...properties, 'delta.appendOnly': 'true' },
    });
    const protocol = (await loadSnapshot(lake.effects, root)).protocol;
    if (protocol.minWriterVersion === 7) assert.ok(protocol.writerFeatures?.includes('appendOnly'));
    else assert.equal(protocol.minWriterVersion, 2);

    await append(lake.effects, root, `SELECT 2 AS id, 'b' AS name`);
    const inserted = await merge(lake.effects, root, source(`(3, 'c', false), (4, 'd', true)`), {
      keys: ['id'],
      deleteColumn: 'gone',
    });
    assert.equal(inserted.metrics.numTargetRowsInserted, 1);
    assert.equal(inserted.filesRewritten, 0, 'nothing matched: no file is rewritten (or removed)');
    const compacted = await optimize(lake.effects, root);
    assert.equal(compacted.metrics.numFilesRemoved, 3, 'compaction rearranges rows: allowed');
    const rows = [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ];
    assert.deepEqual(await readRows(lake.effects, root), rows);

    const files = await listTableFiles(lake, root);
    const version = (await loadSnapshot(lake.effects, root)).version;
    await assert.rejects(overwrite(lake.effects, root, `SELECT 9 AS id, 'z' AS name`), appendOnlyError);
    await assert.rejects(
      merge(lake.effects, root, source(`(1, 'changed', false)`), { keys: ['id'], deleteColumn: 'gone' }),
      appendOnlyError,
    );
    await assert.rejects(
      merge(lake.effects, root, source(`(2, NULL::VARCHAR, true)`), { keys: ['id'], deleteColumn: 'gone' }),
      appendOnlyError,
    );
    await assert.rejects(restore(lake.effects, root, { version: 1 }), appendOnlyError);
    assert.deepEqual(await listTableFiles(lake, root), files, 'no data or deletion vector file was left');
    assert.equal((await loadSnapshot(lake.effects, root)).version, version);
    assert.deepEqual(await readRows(lake.effects, root), rows);
  });
}

test('turning delta.appendOnly off by hand lets changes through again', async () => {
  const root = 'tables/append-only-off';
  await createTable(lake.effects, root, {
    data: `SELECT 1 AS id, 'a' AS name`,
    properties: { 'delta.appendOnly': 'true' },
  });
  await assert.rejects(overwrite(lake.effects, root, `SELECT 2 AS id, 'b' AS name`), appendOnlyError);
  await editLog(lake, root, { configuration: { 'delta.appendOnly': 'false' } });
  await overwrite(lake.effects, root, `SELECT 2 AS id, 'b' AS name`);
  assert.deepEqual(await readRows(lake.effects, root), [{ id: 2, name: 'b' }]);
});
