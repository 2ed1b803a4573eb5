// Oracle and a run's abort. No Oracle server runs on these machines, so the wiring is unit-tested against a fake
// connection (oracledb.getConnection mocked): the abort must call connection.break(), which is what interrupts a
// statement on the server, and surface as SOURCE_ABORTED with the abort's reason, not as the ORA-01013 the broken
// call fails with. The live abort contract runs only when ORACLE_URL is set (like oracle-source.test.ts).

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import oracledb from 'oracledb';
import { OracleSource } from '../../pipelines/sources/oracle/oracle-source';
import { isSourceError } from '../../pipelines/sources/source';
import { oracleLiveOptions } from './oracle-live';
import { runAbortContract } from './source-abort';

/** A connection whose query streams nothing until break() fails the call in progress, as Oracle does. */
function fakeConnection() {
  const calls: string[] = [];
  let running: PassThrough | null = null;
  const connection = {
    async execute(sql: string) {
      calls.push('execute');
      if (/CURRENT_SCN/.test(sql)) return { rows: [['4242']] };
      return { rows: [['ID', 'NUMBER', 18, 0, 'N']] };
    },
    queryStream() {
      calls.push('queryStream');
      running = new PassThrough({ objectMode: true });
      running.write([1]);
      return running;
    },
    async break() {
      calls.push('break');
      running?.destroy(
        Object.assign(new Error('ORA-01013: user requested cancel of current operation'), {
          code: 'ORA-01013',
        }),
      );
    },
    async close() {
      calls.push('close');
    },
  };
  return { connection, calls };
}

// The timeout turns a read the abort never reached (it would wait forever) into a failure.
const opts = { timeout: 5_000 };

test('Oracle: an abort breaks the running query and fails the read with SOURCE_ABORTED', opts, async (t) => {
  const { connection, calls } = fakeConnection();
  t.mock.method(oracledb, 'getConnection', async () => connection);
  const controller = new AbortController();
  const session = await new OracleSource({ connectString: 'fake:1521/x' }).openSession({
    signal: controller.signal,
  });
  try {
    const columns = await session.describeTable({ name: 'parcels' });
    const read = (async () => {
      for await (const batch of session.readRows({ table: { name: 'parcels' }, columns, batchSize: 10 }))
        void batch;
    })();
    // The stream has a row and then waits, like a fetch the server is still working on.
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('Cancelled by an admin'));
    await assert.rejects(read, (error: unknown) => {
      assert.ok(isSourceError(error, 'SOURCE_ABORTED'), String(error));
      assert.match((error as Error).message, /AS OF SCN 4242 stopped: Cancelled by an admin/);
      return true;
    });
    assert.ok(calls.includes('break'), calls.join(', '));
  } finally {
    await session.close();
  }
});

test('Oracle: an already aborted signal opens no connection', opts, async (t) => {
  const getConnection = t.mock.method(oracledb, 'getConnection', async () => fakeConnection().connection);
  await assert.rejects(
    new OracleSource({ connectString: 'fake:1521/x' }).openSession({
      signal: AbortSignal.abort(new Error('Timed out after 1 s')),
    }),
    (error: unknown) => isSourceError(error, 'SOURCE_ABORTED') && /Timed out after 1 s/.test(String(error)),
  );
  assert.equal(getConnection.mock.callCount(), 0);
});

// Live: needs ORACLE_URL, CREATE TABLE/VIEW/PROCEDURE, DBMS_SESSION.SLEEP (18c+) and SELECT on V$SESSION/V$SQL.
// Not run here (no Oracle on these machines): written to the same contract as PostgreSQL and MariaDB.
runAbortContract('Oracle', async () => {
  const options = oracleLiveOptions('Oracle abort suite');
  if (!options) return null;
  const admin = await oracledb.getConnection(options);
  const sessions = async (condition: string): Promise<string[]> => {
    const result = await admin.execute<unknown[]>(
      `SELECT s.sid FROM v$session s JOIN v$sql q ON q.sql_id = s.sql_id AND q.child_number = s.sql_child_number
       WHERE s.username = USER AND s.status = 'ACTIVE' AND s.sid <> SYS_CONTEXT('USERENV', 'SID')
         AND UPPER(q.sql_text) LIKE '%SLOW_ITEMS%' ${condition}`,
    );
    return (result.rows ?? []).map(([sid]) => String(sid));
  };
  const drop = (kind: string, name: string) =>
    `BEGIN EXECUTE IMMEDIATE 'DROP ${kind} ${name}'; EXCEPTION WHEN OTHERS THEN NULL; END;`;
  return {
    source: new OracleSource(options),
    setupSql: [
      drop('VIEW', 'slow_items'),
      drop('FUNCTION', 'pause_at'),
      drop('TABLE', 'abort_rows'),
      `CREATE TABLE abort_rows AS
         SELECT CAST(LEVEL AS NUMBER(18)) AS id, RPAD('x', 300, 'x') AS v FROM DUAL CONNECT BY LEVEL <= 2000`,
      `CREATE OR REPLACE FUNCTION pause_at(row_id NUMBER) RETURN NUMBER IS
       BEGIN IF row_id = 1001 THEN DBMS_SESSION.SLEEP(60); END IF; RETURN 1; END;`,
      'CREATE OR REPLACE VIEW slow_items AS SELECT id, v FROM abort_rows WHERE pause_at(id) = 1',
    ],
    async exec(statements) {
      for (const statement of statements) await admin.execute(statement);
    },
    // DBMS_SESSION.SLEEP waits on the 'PL/SQL lock timer' event.
    sleepingReads: () => sessions(`AND s.event = 'PL/SQL lock timer'`),
    runningReads: () => sessions(''),
    async close() {
      await admin.close();
    },
  };
});
