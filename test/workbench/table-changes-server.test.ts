// table_changes('t', from, to) in analysts' SQL on the server path: rewritten into a change view, answered from the
// change feed, refused with a clear error for a bad range; the browser path refuses it (see run-cell.ts).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import { ApiError } from '../../server/api/errors';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { queryRequestSchema } from '../../server/api/workbench/query-request';
import { runServerQuery } from '../../server/api/workbench/run-server-query';
import { rewriteTimeTravel } from '../../server/notebooks/sql-rewrite';
import { createLakeFixture, type LakeFixture } from './lake-fixture';

let fixture: LakeFixture;
let context: LakeContext;
const tables = ['basic_append', 'basic_partitioned', 'dv_partitioned', 'big_events'];

before(async () => {
  fixture = await createLakeFixture({ bigRows: 1_000 });
  context = { storage: openLakeStorage(fixture.root), duckdb: await createDuckDbSession() };
});
after(async () => {
  context.duckdb.close();
  await fixture.remove();
});

async function run(sql: string) {
  const rewritten = rewriteTimeTravel(sql, tables);
  const result = await runServerQuery(
    context,
    queryRequestSchema.parse({ sql: rewritten.sql, tables: rewritten.refs }),
  );
  const table = tableFromIPC(new Uint8Array(await new Response(result.body).arrayBuffer()));
  return { rows: table.toArray().map((row) => row.toJSON() as Record<string, unknown>), result };
}

test("table_changes('basic_append', 1) returns version 1's appended rows with change type, version and time", async () => {
  const { rows, result } = await run(
    "SELECT letter, number, _change_type, _commit_version, epoch_ms(_commit_timestamp) AS ms FROM table_changes('basic_append', 1) ORDER BY letter",
  );
  assert.deepEqual(result.versions, { basic_append__changes_1_latest: 1 });
  assert.deepEqual(
    rows.map((row) => [row.letter, Number(row.number), row._change_type, Number(row._commit_version)]),
    [
      ['d', 4, 'insert', 1],
      ['e', 5, 'insert', 1],
    ],
  );
  // The fixture dates commit 1's file at 11:00 UTC, which is the commit's time.
  assert.equal(new Date(Number(rows[0]?.ms)).toISOString(), '2026-11-01T11:00:00.000Z');
  // Both versions, counted by type and version, joined with the current snapshot.
  const counted = await run(
    'SELECT _commit_version AS v, count(*) AS n FROM table_changes(basic_append, 0, 1) c JOIN basic_append USING (letter) GROUP BY ALL ORDER BY v',
  );
  assert.deepEqual(
    counted.rows.map((row) => [Number(row.v), Number(row.n)]),
    [
      [0, 3],
      [1, 2],
    ],
  );
});

test('a range past the latest version or reversed is refused with a clear error', async () => {
  await assert.rejects(run("SELECT * FROM table_changes('basic_append', 0, 9)"), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 'NOT_FOUND');
    assert.match(error.message, /basic_append: Version 9 is beyond the latest version 1/);
    return true;
  });
  await assert.rejects(run("SELECT * FROM table_changes('basic_append', 1, 0)"), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, /start version 1 is after the end version 0/);
    return true;
  });
});
