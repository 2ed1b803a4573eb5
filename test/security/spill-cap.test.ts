// The spill cap of a server query, in-process with real DuckDB: a sort that needs more disk than
// max_temp_directory_size fails with DuckDB's reason instead of filling the disk.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { queryRequestSchema } from '../../server/api/workbench/query-request';
import { runServerQuery } from '../../server/api/workbench/run-server-query';
import { createLakeFixture, type LakeFixture } from '../workbench/lake-fixture';

let fixture: LakeFixture;
let context: LakeContext;

before(async () => {
  fixture = await createLakeFixture({ bigRows: 100 });
  context = { storage: openLakeStorage(fixture.root), duckdb: await createDuckDbSession() };
});
after(async () => {
  context.duckdb.close();
  await fixture.remove();
});

test('a sort past the spill cap fails with a clear error', { timeout: 60_000 }, async () => {
  const limits = { threads: 1, memoryLimit: '64MB', maxTempDirectorySize: '16MB' };
  const sql = 'SELECT range AS i, random() AS r FROM range(20000000) ORDER BY r';
  await assert.rejects(
    runServerQuery(context, queryRequestSchema.parse({ sql, maxRows: 10 }), [], undefined, limits).then(
      async (result) => new Response(result.body).arrayBuffer(),
    ),
    (error: Error & { reason?: string }) => {
      assert.equal(error.reason, 'QUERY_FAILED');
      // DuckDB reports the spill folder's use against its cap: 16 MB is 15.2 MiB.
      assert.match(error.message, /failed to offload data block .*\/15\.2 MiB used/);
      return true;
    },
  );
});
