// A variant table on the workbench's server path (runServerQuery: the sandboxed native DuckDB session): variant
// columns arrive as JSON text that analysts' SQL can reach into with DuckDB's JSON functions.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import type { LakeContext } from '../../server/api/workbench/lake-context';
import { queryRequestSchema } from '../../server/api/workbench/query-request';
import { runServerQuery } from '../../server/api/workbench/run-server-query';
import { openHandMadeLake, type HandMadeLake } from '../delta/hand-made-table';
import { writeVariantTable } from '../delta/variant-table';

let lake: HandMadeLake;
let context: LakeContext;

before(async () => {
  lake = await openHandMadeLake();
  const root = path.join(lake.dir, 'lake');
  await writeVariantTable({ ...lake, dir: root }, 'tables/variants');
  context = { storage: openLakeStorage(root), duckdb: await createDuckDbSession() };
});
after(async () => {
  context.duckdb.close();
  await lake.close();
});

test('variant columns read as JSON on the server path, inside structs and arrays too', async () => {
  const result = await runServerQuery(
    context,
    queryRequestSchema.parse({
      sql: `SELECT id, v, s.payload AS payload, a[2] AS second, v->>'$.tags[0]' AS tag FROM variants ORDER BY id`,
      tables: [{ view: 'variants', table: 'variants' }],
    }),
  );
  const table = tableFromIPC(new Uint8Array(await new Response(result.body).arrayBuffer()));
  assert.deepEqual(
    table.toArray().map((row) => ({ ...row.toJSON(), id: Number(row.id) })),
    [
      {
        id: 1,
        v: '{"amount":12.50,"at":"2024-03-01 08:30:00.000000+00:00","tags":["a",true,null],"uid":"123e4567-e89b-12d3-a456-426614174000"}',
        payload: '0.1',
        second: '"two"',
        tag: 'a',
      },
      { id: 2, v: null, payload: null, second: null, tag: null },
      { id: 3, v: 'null', payload: null, second: null, tag: null },
    ],
  );
});
