// GET /api/sync/status against a real lake and MariaDB: JSON with per-table states and an overall state (200
// even when a table lags), Prometheus text for monitoring (signed in by HTTP Basic as a scraper is), 503 with a clear body when MySQL is unreachable.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Role } from '../../server/auth/permissions';
import { getSyncStatus } from '../../server/api/sync-routes';
import { escapeLabelValue } from '../../server/api/sync-prometheus';
import type { SyncStatusReport } from '../../server/api/sync-status';
import { mariaDbSkipReason } from '../sync/mysql-test-db';
import { findClosedPort } from '../sync/tcp-proxy';
import type { SyncedLake } from '../sync/synced-lake';
import { BASE_URL, openSignedInSyncedLake } from './role-sessions';

const skip = await mariaDbSkipReason();
let lake: SyncedLake | undefined;
let cookies: Record<Role, string>;
let closeLake: (() => Promise<void>) | undefined;

before(async () => {
  if (skip) return;
  ({ lake, cookies, close: closeLake } = await openSignedInSyncedLake('sync_status_route_test'));
});
after(() => closeLake?.());

const get = (query = '', headers: Record<string, string> = {}) =>
  getSyncStatus(
    new Request(`${BASE_URL}/api/sync/status${query}`, { headers: { cookie: cookies.frontend, ...headers } }),
    undefined,
  );

test(
  'JSON: both tables in sync, then one lagging after an unsynced commit (still 200)',
  { skip },
  async () => {
    const first = await get();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const report = (await first.json()) as SyncStatusReport;
    assert.equal(report.state, 'in-sync');
    assert.ok(Math.abs(Date.parse(report.generatedAt) - Date.now()) < 60_000);
    assert.match(report.mysql, /^mysql:\/\/127\.0\.0\.1:\d+\/sync_status_route_test_/);
    const byName = Object.fromEntries(report.tables.map((t) => [t.table, t]));
    assert.deepEqual(Object.keys(byName).sort(), ['inspections', 'permits']);
    assert.equal(byName.permits?.syncedVersion, 1);
    assert.equal(byName.permits?.deltaRows, 90);
    assert.equal(byName.permits?.mysqlRows, 90);
    assert.equal(byName.inspections?.mysqlRows, 50);

    await lake!.commitUnsynced();
    const second = await get();
    assert.equal(second.status, 200);
    const lagging = (await second.json()) as SyncStatusReport;
    assert.equal(lagging.state, 'lagging');
    const permits = lagging.tables.find((t) => t.table === 'permits');
    assert.equal(permits?.state, 'lagging');
    assert.equal(permits?.lagVersions, 1);
    assert.equal(permits?.latestVersion, 2);
    assert.equal(permits?.deltaRows, 110);
    assert.equal(permits?.mysqlRows, 90);
    assert.equal(lagging.tables.find((t) => t.table === 'inspections')?.state, 'in-sync');
  },
);

test('Prometheus text by ?format=prometheus or Accept: text/plain', { skip }, async () => {
  for (const res of [
    await get('?format=prometheus'),
    await get('', { accept: 'text/plain;version=0.0.4' }),
  ]) {
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const text = await res.text();
    assert.match(text, /^lakehouse_sync_up 1$/m);
    assert.match(text, /^lakehouse_sync_lag_versions\{table="permits"\} 1$/m);
    assert.match(text, /^lakehouse_sync_lag_versions\{table="inspections"\} 0$/m);
    assert.match(text, /^lakehouse_sync_state\{table="permits",state="lagging"\} 1$/m);
    assert.match(text, /^lakehouse_sync_state\{table="permits",state="in-sync"\} 0$/m);
    assert.match(text, /^lakehouse_sync_delta_rows\{table="permits"\} 110$/m);
    assert.match(text, /^lakehouse_sync_mysql_rows\{table="permits"\} 90$/m);
    assert.match(text, /^lakehouse_sync_lag_minutes\{table="permits"\} [\d.]+$/m);
    assert.match(text, /^# TYPE lakehouse_sync_lag_minutes gauge$/m);
    // Every sample line is `name{labels} number` or `name number`.
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#'))) {
      assert.match(line, /^[a-z_]+(\{[^}]*\})? -?[\d.e+]+$/, line);
    }
  }
  assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  const bad = await get('?format=xml');
  assert.equal(bad.status, 400);
});

test('a scraper signs in with HTTP Basic, as Prometheus basic_auth sends it', { skip }, async () => {
  const scrape = (user: string, password: string) =>
    getSyncStatus(
      new Request(`${BASE_URL}/api/sync/status?format=prometheus`, {
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      }),
      undefined,
    );
  const ok = await scrape('frontend', 'frontend-pw');
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /^lakehouse_sync_up 1$/m);
  assert.equal((await scrape('frontend', 'wrong')).status, 401);
  assert.equal((await scrape('analyst', 'analyst-pw')).status, 403);
});

test(
  'MySQL unreachable: 503 with a clear JSON error, and lakehouse_sync_up 0 for Prometheus',
  { skip },
  async () => {
    const port = await findClosedPort();
    process.env.MYSQL_URL = `mysql://root@127.0.0.1:${port}/front`;
    try {
      const res = await get();
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'MYSQL_UNREACHABLE');
      assert.match(
        body.error.message,
        new RegExp(`Cannot reach MySQL at mysql://127\\.0\\.0\\.1:${port}/front`),
      );
      const text = await get('?format=prometheus');
      assert.equal(text.status, 503);
      assert.match(await text.text(), /^lakehouse_sync_up 0$/m);
    } finally {
      process.env.MYSQL_URL = lake!.db.url;
    }
  },
);

test('a database without synced tables answers no-tables', { skip }, async () => {
  const empty = `sync_status_route_empty_${process.pid}`;
  await lake!.db.admin.query(`CREATE DATABASE IF NOT EXISTS \`${empty}\``);
  process.env.MYSQL_URL = lake!.db.url.replace(/\/[^/]*$/, `/${empty}`);
  try {
    const report = (await (await get()).json()) as SyncStatusReport;
    assert.equal(report.state, 'no-tables');
    assert.deepEqual(report.tables, []);
  } finally {
    process.env.MYSQL_URL = lake!.db.url;
    await lake!.db.admin.query(`DROP DATABASE IF EXISTS \`${empty}\``);
  }
});
