// POST /api/catalog/tables/<table>/restore against a real lake and MariaDB: the restore is a new commit whose
// snapshot equals the old version, the next MySQL sync makes MySQL equal to it, and bad input is refused
// clearly without touching the table.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { RunInfo } from '../../pipelines/cdc/plan-run';
import { readTableState } from '../../pipelines/cdc/read-table-state';
import { createTable, merge, readHistory } from '../../pipelines/delta/index';
import { syncTable, verifyTable } from '../../pipelines/sync/index';
import { postRestore } from '../../server/api/restore-routes';
import type { Role } from '../../server/auth/permissions';
import { CSRF_HEADERS } from '../support/auth';
import { mariaDbSkipReason } from '../sync/mysql-test-db';
import { PERMITS, type SyncedLake } from '../sync/synced-lake';
import { BASE_URL, openSignedInSyncedLake } from './role-sessions';

const skip = await mariaDbSkipReason();
let lake: SyncedLake | undefined;
let cookies: Record<Role, string>;
let closeLake: (() => Promise<void>) | undefined;

before(async () => {
  if (skip) return;
  ({ lake, cookies, close: closeLake } = await openSignedInSyncedLake('restore_route_test'));
});
after(() => closeLake?.());

const restoreRequest = (table: string, body: unknown, headers: Record<string, string> = {}) =>
  postRestore(
    new Request(`${BASE_URL}/api/catalog/tables/${encodeURIComponent(table)}/restore`, {
      method: 'POST',
      headers: { cookie: cookies.admin, 'content-type': 'application/json', ...CSRF_HEADERS, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ table }) },
  );

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

test(
  'restore to v0 commits a new version equal to v0, and the next sync makes MySQL equal to it',
  { skip },
  async () => {
    const version = await lake!.commitUnsynced(); // v2: ids 100-119 appended
    const v0 = await lake!.snapshotRows(PERMITS.tableRoot, 'permit_id', 0);
    assert.equal(v0.length, 100);
    assert.notDeepEqual(await lake!.snapshotRows(PERMITS.tableRoot, 'permit_id'), v0);

    const res = await restoreRequest('permits', { version: 0 });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), {
      table: 'permits',
      restoredVersion: 0,
      newVersion: version + 1,
      pipelines: [], // no pipeline writes this table: nothing recorded
    });
    assert.deepEqual(await lake!.snapshotRows(PERMITS.tableRoot, 'permit_id'), v0);
    const [latest] = await readHistory(lake!, PERMITS.tableRoot, { limit: 1 });
    assert.equal(latest?.operation, 'RESTORE');
    assert.deepEqual(latest?.operationParameters, { version: '0' }); // Delta writes parameters as strings

    const commit = await readFile(
      path.join(
        lake!.lakeDir,
        PERMITS.tableRoot,
        '_delta_log',
        `${String(version + 1).padStart(20, '0')}.json`,
      ),
      'utf8',
    );
    assert.equal(JSON.parse(commit.split('\n')[0]!).commitInfo.userName, 'admin', 'who restored is logged');

    // MySQL held v1 (ids 0-29 changed, 90-99 deleted); the sync must bring back v0's values and rows.
    const result = await syncTable(lake!.effects, PERMITS);
    assert.equal(result.version, version + 1);
    const [rows] = await lake!.db.admin.query('SELECT permit_id, address FROM permits ORDER BY permit_id');
    assert.deepEqual(
      rows,
      v0.map((row) => ({ permit_id: String(row.permit_id), address: row.address })),
    );
    const verified = await verifyTable(lake!.effects, PERMITS);
    assert.equal(verified.equal, true);
    assert.deepEqual(verified.differences, []);
  },
);

test(
  'restoring a table a pipeline writes records its state and says what the next run does',
  { skip },
  async () => {
    const root = 'tables/pipeline_items';
    const run = (sequence: number, mark: string): RunInfo => ({
      pipeline: 'demo',
      table: 'pipeline_items',
      runId: `r${sequence}`,
      dataAsOf: null,
      runSequence: sequence,
      mode: sequence === 1 ? 'full' : 'incremental',
      watermark: { column: 'updated_at', value: mark },
      position: { kind: 'lsn', value: '0/1' },
      rows: 10,
      keysCompared: sequence === 1,
      lastKeyComparison: 1,
    });
    const write = { storage: lake!.storage, duckdb: lake!.duckdb };
    const rows = (from: number, variant: number) =>
      `SELECT i::BIGINT AS id, 'v${variant}' AS name, false AS gone FROM range(${from}, ${from + 10}) r(i)`;
    // Written the way a pipeline run writes: txn appId <pipeline>/<table> and commitInfo.pipelineRun.
    await createTable(write, root, {
      data: `SELECT id, name FROM (${rows(0, 1)})`,
      txn: { appId: 'demo/pipeline_items', version: 1 },
      extraCommitInfo: { pipelineRun: run(1, '2026-01-01T00:00:00.000000Z') },
    });
    await merge(write, root, rows(5, 2), {
      keys: ['id'],
      deleteColumn: 'gone',
      txn: { appId: 'demo/pipeline_items', version: 2 },
      extraCommitInfo: { pipelineRun: run(2, '2026-01-02T00:00:00.000000Z') },
    });

    const res = await restoreRequest('pipeline_items', { version: 0 });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { newVersion: number; pipelines: Record<string, unknown>[] };
    assert.equal(body.newVersion, 2);
    assert.equal(body.pipelines.length, 1);
    assert.deepEqual(
      { ...body.pipelines[0], nextRun: undefined },
      {
        appId: 'demo/pipeline_items',
        needsReload: false,
        watermark: { column: 'updated_at', value: '2026-01-01T00:00:00.000000Z' },
        runSequence: 1,
        nextRun: undefined,
      },
    );
    assert.match(
      String(body.pipelines[0]!.nextRun),
      /^next run of demo\/pipeline_items re-extracts rows with updated_at >= 2026-01-01T00:00:00.000000Z/,
    );
    const [latest] = await readHistory(lake!, root, { limit: 1 });
    assert.equal(
      (latest?.commitInfo?.pipelineRestore as Record<string, { restoredVersion: number }>)[
        'demo/pipeline_items'
      ]?.restoredVersion,
      0,
    );
    // What the next run reads back: version 0's watermark, a key comparison, and the run sequence kept at 2.
    const state = await readTableState(write, 'demo', 'pipeline_items', root);
    assert.equal(state.lastRunSequence, 2);
    assert.equal(state.lastRun?.runId, 'r1');
    assert.deepEqual(state.recovery, { action: 'compareKeys', reason: 'restored to version 0 by commit 2' });
  },
);

test('bad input: a clear 400 or 404, and the table is left as it was', { skip }, async () => {
  const before = await readHistory(lake!, PERMITS.tableRoot, { limit: 1 });
  const latest = before[0]!.version;
  const cases: [string, unknown, number, RegExp][] = [
    [
      'permits',
      { version: latest + 5 },
      400,
      new RegExp(`no version ${latest + 5}: its latest version is ${latest}`),
    ],
    ['permits', { version: latest }, 400, /already at version/],
    ['permits', { version: -1 }, 400, /version must be 0 or more/],
    ['permits', { version: 1.5 }, 400, /whole number/],
    ['permits', { version: '1' }, 400, /version must be a number/],
    ['permits', {}, 400, /version/],
    ['permits', { version: 0, extra: true }, 400, /extra/],
    ['permits', 'not json', 400, /not valid JSON/],
    ['no_such_table', { version: 0 }, 404, /No Delta table named 'no_such_table'/],
    ['../../etc', { version: 0 }, 404, /No table named/],
    ['tables%2Fpermits', { version: 0 }, 404, /No table named/],
  ];
  for (const [table, body, status, message] of cases) {
    const error = await errorOf(await restoreRequest(table, body));
    assert.equal(error.status, status, `${table} ${JSON.stringify(body)}: ${error.message}`);
    assert.match(error.message, message);
  }
  assert.deepEqual(await readHistory(lake!, PERMITS.tableRoot, { limit: 1 }), before);
});

test('admin only, and refused without the CSRF header or from another origin', { skip }, async () => {
  for (const role of ['analyst', 'frontend'] as const) {
    const error = await errorOf(await restoreRequest('permits', { version: 0 }, { cookie: cookies[role] }));
    assert.equal(error.status, 403);
    assert.equal(error.code, 'FORBIDDEN');
  }
  const noCsrf = await postRestore(
    new Request(`${BASE_URL}/api/catalog/tables/permits/restore`, {
      method: 'POST',
      headers: { cookie: cookies.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 0 }),
    }),
    { params: Promise.resolve({ table: 'permits' }) },
  );
  assert.equal((await errorOf(noCsrf)).code, 'CSRF');
  const crossSite = await restoreRequest('permits', { version: 0 }, { origin: 'https://evil.example' });
  assert.equal((await errorOf(crossSite)).code, 'CSRF');
});
