// Oracle: golden tests of the generated SQL (always), and the Source contract against a live database only when
// ORACLE_URL is set (oracle://user:password@host:1521/service); no Oracle server can run on these machines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DESCRIBE_ORACLE_TABLE,
  READ_CURRENT_SCN,
  READ_CUT_TIME,
  buildOracleSelect,
  formatOracleWatermark,
} from '../../pipelines/sources/oracle/oracle-sql';
import { findOraCode, OracleSource } from '../../pipelines/sources/oracle/oracle-source';
import { describeOracleType, mapOracleType } from '../../pipelines/sources/oracle/type-mapping';
import type { SourceColumn } from '../../pipelines/sources/source';
import { oracleLiveOptions } from './oracle-live';
import { EXPECTED_ROWS, EXPECTED_TYPES, runSourceContract } from './source-contract';

const column = (
  name: string,
  dataType: string,
  precision: number | null = null,
  scale: number | null = null,
): SourceColumn => {
  const type = { dataType, precision, scale };
  return { name, sourceType: describeOracleType(type), nullable: true, type: mapOracleType(type) };
};

const COLUMNS = [
  column('parcel_id', 'NUMBER', 18, 0),
  column('assessed', 'NUMBER', 14, 2),
  column('recorded', 'DATE'),
  column('updated_at', 'TIMESTAMP(6) WITH TIME ZONE'),
  column('seen_at', 'TIMESTAMP(6) WITH LOCAL TIME ZONE'),
  column('stamp', 'TIMESTAMP(6)'),
  column('photo', 'BLOB'),
  column('checksum', 'RAW'),
  column('notes', 'CLOB'),
  column('term', 'INTERVAL DAY(2) TO SECOND(6)'),
  column('rid', 'ROWID'),
];

test('Oracle: the cut is read from V$DATABASE', () => {
  assert.equal(READ_CURRENT_SCN, 'SELECT CURRENT_SCN FROM V$DATABASE');
  // Its time is the database's clock in UTC, as ISO text Date.parse reads.
  assert.equal(
    READ_CUT_TIME,
    `SELECT TO_CHAR(SYS_EXTRACT_UTC(SYSTIMESTAMP), 'YYYY-MM-DD"T"HH24:MI:SS.FF6"Z"') FROM DUAL`,
  );
  assert.match(DESCRIBE_ORACLE_TABLE, /FROM ALL_TAB_COLUMNS/);
});

test('Oracle: full extract is a flashback query AS OF SCN with UTC text for every timestamp (golden)', () => {
  const query = buildOracleSelect(
    { table: { schema: 'assessor', name: 'parcels' }, columns: COLUMNS },
    '123456789',
  );
  assert.equal(
    query.sql,
    'SELECT "PARCEL_ID" AS "PARCEL_ID", "ASSESSED" AS "ASSESSED", ' +
      `TO_CHAR("RECORDED", 'YYYY-MM-DD HH24:MI:SS') AS "RECORDED", ` +
      `TO_CHAR(SYS_EXTRACT_UTC("UPDATED_AT"), 'YYYY-MM-DD HH24:MI:SS.FF6') AS "UPDATED_AT", ` +
      `TO_CHAR(CAST("SEEN_AT" AS TIMESTAMP), 'YYYY-MM-DD HH24:MI:SS.FF6') AS "SEEN_AT", ` +
      `TO_CHAR(CAST("STAMP" AS TIMESTAMP), 'YYYY-MM-DD HH24:MI:SS.FF6') AS "STAMP", ` +
      '"PHOTO" AS "PHOTO", RAWTOHEX("CHECKSUM") AS "CHECKSUM", "NOTES" AS "NOTES", ' +
      'TO_CHAR("TERM") AS "TERM", ROWIDTOCHAR("RID") AS "RID" ' +
      'FROM "ASSESSOR"."PARCELS" AS OF SCN :scn',
  );
  assert.deepEqual(query.binds, { scn: '123456789' });
});

test('Oracle: incremental extract compares the watermark in its own type (golden)', () => {
  const from = '2026-11-24T08:50:00.000Z';
  const cases: Array<[SourceColumn, string, string]> = [
    [
      COLUMNS[3] as SourceColumn,
      `"UPDATED_AT" >= FROM_TZ(TO_TIMESTAMP(:wm, 'YYYY-MM-DD HH24:MI:SS.FF'), 'UTC')`,
      '2026-11-24 08:50:00.000',
    ],
    [
      COLUMNS[2] as SourceColumn,
      `"RECORDED" >= CAST(TO_TIMESTAMP(:wm, 'YYYY-MM-DD HH24:MI:SS.FF') AS DATE)`,
      '2026-11-24 08:50:00.000',
    ],
    [
      COLUMNS[5] as SourceColumn,
      `"STAMP" >= TO_TIMESTAMP(:wm, 'YYYY-MM-DD HH24:MI:SS.FF')`,
      '2026-11-24 08:50:00.000',
    ],
  ];
  for (const [watermark, condition, bound] of cases) {
    const query = buildOracleSelect(
      {
        table: { name: 'parcels' },
        columns: [COLUMNS[0] as SourceColumn, watermark],
        watermark: { column: watermark.name, from },
      },
      '42',
    );
    assert.ok(query.sql.endsWith(` FROM "PARCELS" AS OF SCN :scn WHERE ${condition}`), query.sql);
    assert.deepEqual(query.binds, { scn: '42', wm: bound });
  }
  const numeric = buildOracleSelect(
    {
      table: { name: 'parcels' },
      columns: [COLUMNS[0] as SourceColumn],
      watermark: { column: 'parcel_id', from: '1000' },
    },
    '42',
  );
  assert.ok(numeric.sql.endsWith('WHERE "PARCEL_ID" >= TO_NUMBER(:wm)'));
  const range = buildOracleSelect(
    {
      table: { name: 'parcels' },
      columns: [COLUMNS[0] as SourceColumn, COLUMNS[5] as SourceColumn],
      watermark: { column: (COLUMNS[5] as SourceColumn).name, from, to: '2026-11-25T00:00:00Z' },
    },
    '42',
  );
  assert.ok(
    range.sql.endsWith(
      `WHERE "STAMP" >= TO_TIMESTAMP(:wm, 'YYYY-MM-DD HH24:MI:SS.FF') AND "STAMP" < TO_TIMESTAMP(:wmTo, 'YYYY-MM-DD HH24:MI:SS.FF')`,
    ),
    range.sql,
  );
  assert.deepEqual(range.binds, { scn: '42', wm: '2026-11-24 08:50:00.000', wmTo: '2026-11-25 00:00:00.0' });
  assert.equal(formatOracleWatermark('2026-01-01T10:00:00Z'), '2026-01-01 10:00:00.0');
});

test('Oracle: ORA- codes are kept from the driver error', () => {
  assert.equal(
    findOraCode(Object.assign(new Error('ORA-00942: table or view does not exist'), { code: 'ORA-00942' })),
    'ORA-00942',
  );
  assert.equal(
    findOraCode(new Error('ORA-01555: snapshot too old: rollback segment number 12 too small')),
    'ORA-01555',
  );
  assert.equal(
    findOraCode(
      Object.assign(new Error('NJS-500: connection to the Oracle Database was broken'), { code: 'NJS-500' }),
    ),
    'NJS-500',
  );
});

runSourceContract('Oracle', async () => {
  const options = oracleLiveOptions('Oracle live suite');
  if (!options) return null;
  const oracledb = (await import('oracledb')).default;
  const admin = await oracledb.getConnection(options);
  const exec = async (statements: string[]): Promise<void> => {
    for (const statement of statements) await admin.execute(statement, {}, {});
    await admin.execute('COMMIT');
  };
  await exec(["BEGIN EXECUTE IMMEDIATE 'DROP TABLE contract_items'; EXCEPTION WHEN OTHERS THEN NULL; END;"]);
  await exec(["BEGIN EXECUTE IMMEDIATE 'DROP TABLE contract_big'; EXCEPTION WHEN OTHERS THEN NULL; END;"]);
  return {
    source: new OracleSource(options),
    positionKind: 'scn',
    exec,
    setupSql: [
      `CREATE TABLE contract_items (id NUMBER(18) PRIMARY KEY, amount NUMBER(12,2), name VARCHAR2(100), quantity NUMBER(9),
         due DATE, updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL, payload RAW(16))`,
      `INSERT INTO contract_items VALUES (1, 12.50, 'alpha', 3, DATE '2026-01-02', TIMESTAMP '2026-01-01 10:00:00 UTC', HEXTORAW('00FF'))`,
      `INSERT INTO contract_items VALUES (2, NULL, 'quote " and, comma' || CHR(10) || 'new line', NULL, NULL, TIMESTAMP '2026-01-01 11:00:00 UTC', NULL)`,
      `INSERT INTO contract_items VALUES (3, -0.01, '', 0, DATE '1999-12-31', TIMESTAMP '2026-01-01 12:00:00.123456 UTC', HEXTORAW('41'))`,
    ],
    bigTableSql: [
      `CREATE TABLE contract_big AS SELECT LEVEL AS id, 'padding text to make rows wider' AS v FROM DUAL CONNECT BY LEVEL <= 100000`,
    ],
    updateSql: `UPDATE contract_items SET name = 'changed', updated_at = TIMESTAMP '2026-01-02 00:00:00 UTC' WHERE id = 1`,
    // Oracle DATE carries a time of day (it lands as a timestamp) and stores '' as NULL.
    expectedTypes: EXPECTED_TYPES.map(([name, type]) => [
      name as string,
      name === 'due' ? 'timestamp' : (type as string),
    ]),
    expectedRows: EXPECTED_ROWS.map((row) => ({
      ...row,
      due: row.due === null ? null : `${row.due} 00:00:00+00`,
      name: row.name === '' ? null : row.name,
    })),
    async killSessions() {
      // Needs ALTER SYSTEM: kill the other sessions of this user.
      const sessions = await admin.execute<unknown[]>(
        `SELECT sid || ',' || serial# FROM v$session WHERE username = USER AND sid <> SYS_CONTEXT('USERENV', 'SID')`,
      );
      for (const [id] of sessions.rows ?? [])
        await admin.execute(`ALTER SYSTEM KILL SESSION '${String(id)}' IMMEDIATE`);
    },
    async close() {
      await admin.close();
    },
  };
});
