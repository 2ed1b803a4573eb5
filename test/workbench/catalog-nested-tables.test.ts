// A definition's table without a target lands at tables/<source>/<table>; the catalog must list it under the
// name the data plane gives it (<source>/<table>) and read it, beside tables at tables/<name>.

import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseDefinitionText } from '../../pipelines/definition/load-definition';
import { listDeltaTables, tableNameOf } from '../../pipelines/definition/table-roots';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { openLakeStorage } from '../../pipelines/lake/open-lake-storage';
import { getHistory, getSnapshotView, listTables } from '../../server/api/workbench/catalog';
import { isExposedFile } from '../../server/api/workbench/exposed-files';
import type { LakeContext } from '../../server/api/workbench/lake-context';

// ../shared/delta-conformance beside the repository (ARCHITECTURE.md §4), wherever the clone is.
const conformance =
  process.env.DELTA_CONFORMANCE_DIR ??
  path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'delta-conformance');
const basicAppend = path.join(conformance, 'dat/basic_append/delta');

const NO_TARGET = `
name: ops
source:
  name: county_ops
  connection: { kind: postgres, urlEnv: OPS_URL }
tables:
  - name: parcels
    primaryKey: [letter]
    watermark: number
`;

let dir: string;
let lake: string;
let context: LakeContext;
let nestedRoot: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-nested-'));
  lake = path.join(dir, 'lake');
  // Where the runner writes the definition's table: its target, defaulted by the loader.
  nestedRoot = parseDefinitionText(NO_TARGET, 'ops.pipeline.yaml').tables[0]?.target ?? '';
  assert.equal(nestedRoot, 'tables/county_ops/parcels');
  const copy = (to: string) =>
    cp(basicAppend, path.join(lake, to), {
      recursive: true,
      filter: (source) => !source.endsWith('.crc'),
    });
  await copy(nestedRoot);
  await copy('tables/flat');
  // A source folder with no table yet, and a folder no table name can have: neither is listed.
  await mkdir(path.join(lake, 'tables/empty_source/not_a_table'), { recursive: true });
  await mkdir(path.join(lake, 'tables/.hidden'), { recursive: true });
  context = { storage: openLakeStorage(lake), duckdb: await createDuckDbSession() };
});

after(async () => {
  context.duckdb.close();
  await rm(dir, { recursive: true, force: true });
});

test('the data plane lists flat and nested tables with their names and roots', async () => {
  assert.deepEqual(await listDeltaTables(context.storage), [
    { name: 'county_ops/parcels', root: 'tables/county_ops/parcels' },
    { name: 'flat', root: 'tables/flat' },
  ]);
  assert.equal(tableNameOf(nestedRoot), 'county_ops/parcels');
  assert.equal(tableNameOf('raw/county_ops/parcels'), undefined);
});

test('the catalog lists a table at tables/<source>/<table> and reads it', async () => {
  const tables = await listTables(context);
  assert.deepEqual(
    tables.map((table) => [table.name, table.version, table.rowCount, table.error]),
    [
      ['county_ops/parcels', 1, 5, undefined],
      ['flat', 1, 5, undefined],
    ],
  );
  const view = await getSnapshotView(context, 'county_ops/parcels', {});
  assert.ok(view.files.length > 0);
  assert.ok(view.files.every((file) => file.path.startsWith('tables/county_ops/parcels/')));
  let sql = view.scanSql;
  for (const file of view.files) sql = sql.split(`'lake/${file.path}'`).join(`'${lake}/${file.path}'`);
  const rows = await context.duckdb.queryJson(`SELECT count(*)::INT AS n FROM (${sql})`);
  assert.equal(rows[0]?.n, 5);
  // The browser fetches those files through the lake route, which serves a nested table's files like a flat one's.
  for (const file of view.files) assert.equal(await isExposedFile(context, file.path), true, file.path);
  assert.equal(await isExposedFile(context, `${nestedRoot}/_delta_log/00000000000000000000.json`), false);
  assert.equal(await isExposedFile(context, 'tables/county_ops/not-a-file.parquet'), false);
  const history = await getHistory(context, 'county_ops/parcels', 10);
  assert.deepEqual(
    history.map((entry) => entry.version),
    [1, 0],
  );
});

test('a name that climbs out of tables/ or goes deeper is not a table', async () => {
  for (const name of ['county_ops/../flat', 'a/b/c', '/flat', 'county_ops/']) {
    await assert.rejects(getSnapshotView(context, name, {}), { status: 404 });
  }
});
