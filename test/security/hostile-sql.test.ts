// Issue 13 §1: analysts' SQL is read-only by construction. A corpus of hostile statements goes through the real web
// server's POST /api/query as an analyst; each is refused with a stable code, and the whole lake folder (every
// file's path and bytes) and the MariaDB database the sync writes (tables, definitions, checksums) hash the same
// before and after. Ordinary queries still work, and the browser path (/api/lake) refuses every writing method.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { loadSnapshot } from '../../pipelines/delta';
import { getDataFilePath } from '../../server/api/workbench/describe-snapshot';
import { CSRF_HEADERS, login, writeUsersFile } from '../support/auth';
import { startNextServer, type NextServer } from '../support/next-server';
import { mariaDbSkipReason } from '../sync/mysql-test-db';
import { createSyncedLake, type SyncedLake } from '../sync/synced-lake';
import { hostileStatements, type HostilePaths } from './hostile-statements';

const skip = await mariaDbSkipReason();

/** sha256 over every file under `root`: its relative path and its bytes, in a stable order. */
async function hashFolder(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      hash.update(`${entry.isDirectory() ? 'd' : 'f'}:${path.relative(root, full)}\0`);
      if (entry.isDirectory()) await walk(full);
      else hash.update(await readFile(full));
    }
  };
  await walk(root);
  return hash.digest('hex');
}

/** The synced database as text: each table with its definition and CHECKSUM TABLE … EXTENDED. */
async function describeDatabase(lake: SyncedLake): Promise<string> {
  const [tables] = await lake.db.admin.query('SHOW FULL TABLES');
  const lines: string[] = [];
  for (const row of tables as Record<string, string>[]) {
    const name = Object.values(row)[0] as string;
    const [created] = await lake.db.admin.query(`SHOW CREATE TABLE \`${name}\``);
    const [checksum] = await lake.db.admin.query(`CHECKSUM TABLE \`${name}\` EXTENDED`);
    lines.push(JSON.stringify([row, created, checksum]));
  }
  return lines.join('\n');
}

describe('analysts cannot change anything through the server path', { skip }, () => {
  let lake: SyncedLake;
  let server: NextServer;
  let analyst: string;
  let dir: string;
  let paths: HostilePaths;

  before(async () => {
    lake = await createSyncedLake('hostile_sql');
    dir = await mkdtemp(path.join(tmpdir(), 'hostile-sql-'));
    const usersFile = await writeUsersFile(path.join(dir, 'auth'), [
      { username: 'ana', password: 'analyst-password-1', roles: ['analyst'] },
    ]);
    // A raw run as the extract step leaves it, which analysts must not read either.
    const rawRun = path.join(lake.lakeDir, 'raw/demo/permits/run-1');
    await mkdir(rawRun, { recursive: true });
    await writeFile(path.join(rawRun, '_manifest.json'), JSON.stringify({ files: ['part-0.parquet'] }));
    const inspections = await loadSnapshot(lake.effects, 'tables/inspections');
    const otherFile = getDataFilePath(
      inspections,
      inspections.files[0] as (typeof inspections.files)[number],
    );
    paths = {
      lake: lake.lakeDir,
      tableDir: path.join(lake.lakeDir, 'tables/permits'),
      otherTableFile: path.join(lake.lakeDir, otherFile),
      usersFile,
      rawManifest: path.join(rawRun, '_manifest.json'),
      // next start runs in the repository folder, as the tests do.
      sessionSecretFile: path.resolve('data/session-secret'),
    };
    server = await startNextServer({
      env: {
        LAKE_ROOT: lake.lakeDir,
        MYSQL_URL: lake.db.url,
        NOTEBOOKS_DIR: path.join(dir, 'notebooks'),
        USERS_FILE: usersFile,
        SESSION_SECRET: 'hostile-sql-test-secret-0123456789abcdef-0123456789',
      },
    });
    analyst = await login(server.url, 'ana', 'analyst-password-1');
  });

  after(async () => {
    await server?.stop();
    await lake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const postQuery = (body: unknown) =>
    fetch(`${server.url}/api/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CSRF_HEADERS, cookie: analyst },
      body: JSON.stringify(body),
    });

  test('every hostile statement is refused with its code, and neither the lake nor MariaDB changes', async () => {
    const corpus = hostileStatements(paths);
    assert.ok(corpus.length >= 40, `${corpus.length} statements`);
    const lakeBefore = await hashFolder(lake.lakeDir);
    const databaseBefore = await describeDatabase(lake);
    const failures: string[] = [];
    for (const statement of corpus) {
      const response = await postQuery({
        sql: statement.sql,
        tables: [{ view: 'permits', table: 'permits' }],
      });
      const text = await response.text();
      let body: { error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // An Arrow stream: the statement ran, which is the failure reported below.
      }
      const ok =
        response.status === 400 &&
        body.error?.code === statement.code &&
        statement.message.test(body.error?.message ?? '');
      if (!ok) failures.push(`${statement.name}: ${response.status} ${text.slice(0, 300)}`);
    }
    assert.deepEqual(failures, [], 'statements not refused as expected');
    assert.equal(await hashFolder(lake.lakeDir), lakeBefore, 'the lake folder changed');
    assert.equal(await describeDatabase(lake), databaseBefore, 'the MariaDB database changed');
  });

  test('ordinary queries still work: SELECT, WITH, range(), SUMMARIZE, EXPLAIN, a join, an earlier result', async () => {
    const tables = [
      { view: 'permits', table: 'permits' },
      { view: 'inspections', table: 'inspections' },
    ];
    const run = async (sql: string, form?: FormData) => {
      const response = form
        ? await fetch(`${server.url}/api/query`, {
            method: 'POST',
            headers: { ...CSRF_HEADERS, cookie: analyst },
            body: form,
          })
        : await postQuery({ sql, tables });
      assert.equal(response.status, 200, `${sql}: ${response.status}`);
      return tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    };
    assert.equal(Number((await run('SELECT count(*) AS n FROM permits')).get(0)?.n), 90);
    const withQuery = await run(
      'WITH recent AS (SELECT * FROM permits WHERE permit_id < 10) SELECT count(*) AS n FROM recent',
    );
    assert.equal(Number(withQuery.get(0)?.n), 10);
    assert.equal(Number((await run('SELECT count(*) AS n FROM range(5)')).get(0)?.n), 5);
    assert.equal((await run('SUMMARIZE permits')).numRows, 4, 'one summary row per column');
    const plan = await run('EXPLAIN SELECT count(*) FROM permits');
    assert.ok(plan.numRows > 0);
    const joined = await run(
      'SELECT count(*) AS n FROM permits p JOIN inspections i ON p.permit_id = i.inspection_id',
    );
    assert.equal(Number(joined.get(0)?.n), 50);
    // An earlier cell's result, sent as Parquet the way the browser does.
    const file = path.join(dir, 'wanted.parquet');
    await lake.duckdb.run(
      `COPY (SELECT * FROM (VALUES (1::BIGINT), (2), (95)) t(permit_id)) TO '${file}' (FORMAT PARQUET)`,
    );
    const form = new FormData();
    const sql = 'SELECT count(*) AS n FROM wanted JOIN permits USING (permit_id)';
    form.set('request', JSON.stringify({ sql, tables }));
    form.set('result:wanted', new Blob([new Uint8Array(await readFile(file))]), 'wanted.parquet');
    assert.equal(Number((await run(sql, form)).get(0)?.n), 2);
  });

  test('the browser path is read-only: PUT, POST, DELETE and PATCH on /api/lake are refused', async () => {
    const lakeBefore = await hashFolder(lake.lakeDir);
    const permits = await loadSnapshot(lake.effects, 'tables/permits');
    const dataFile = getDataFilePath(permits, permits.files[0] as (typeof permits.files)[number]);
    for (const target of [
      dataFile,
      'tables/permits/pwned.parquet',
      'tables/permits/_delta_log/00000000000000000009.json',
    ]) {
      for (const method of ['PUT', 'POST', 'DELETE', 'PATCH']) {
        const response = await fetch(`${server.url}/api/lake/${target}`, {
          method,
          headers: { ...CSRF_HEADERS, cookie: analyst, 'content-type': 'application/octet-stream' },
          ...(method === 'DELETE' ? {} : { body: 'owned' }),
        });
        await response.body?.cancel();
        assert.equal(response.status, 405, `${method} ${target}`);
      }
    }
    assert.equal(await hashFolder(lake.lakeDir), lakeBefore);
  });
});
