// The ONE contract suite of the Source interface, run by every implementation (PostgreSQL, MariaDB, and Oracle
// when ORACLE_URL is set). Each fixture creates the same logical table in its own dialect; the contract checks
// that the same data comes out as the same Parquet rows, that a session is one consistent cut, that incremental
// reads honour the watermark, and that failures surface with stable codes.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { extractTable } from '../../pipelines/cdc/extract-table';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import type { TableDefinition } from '../../pipelines/definition/load-definition';
import { isSourceError, type Source, type SourcePosition } from '../../pipelines/sources/source';

export interface SourceFixture {
  source: Source;
  positionKind: SourcePosition['kind'];
  /** Runs statements on a separate, autocommit connection. */
  exec(statements: string[]): Promise<void>;
  /** DDL + rows of contract_items (see ROWS), in the fixture's dialect. */
  setupSql: string[];
  /** An UPDATE setting name = 'changed' and updated_at = 2026-01-02 00:00:00 UTC for id 1. */
  updateSql: string;
  /** Terminates every connection of the source except the fixture's own (a DBA killing sessions). */
  killSessions(): Promise<void>;
  close(): Promise<void>;
  /** Where the dialect cannot hold the common data exactly (Oracle: DATE has a time, '' is NULL). */
  expectedTypes?: string[][];
  expectedRows?: Record<string, unknown>[];
  bigTableSql?: string[];
}

/** contract_items as Delta types (column order as declared). */
export const EXPECTED_TYPES = [
  ['id', 'long'],
  ['amount', 'decimal(12,2)'],
  ['name', 'string'],
  ['quantity', 'integer'],
  ['due', 'date'],
  ['updated_at', 'timestamp'],
  ['payload', 'binary'],
];

/** The rows as DuckDB reads them back from the Parquet files (queryJson). */
export const EXPECTED_ROWS = [
  {
    id: '1',
    amount: '12.50',
    name: 'alpha',
    quantity: 3,
    due: '2026-01-02',
    updated_at: '2026-01-01 10:00:00+00',
    payload: '0x00ff',
  },
  {
    id: '2',
    amount: null,
    name: 'quote " and, comma\nnew line',
    quantity: null,
    due: null,
    updated_at: '2026-01-01 11:00:00+00',
    payload: null,
  },
  {
    id: '3',
    amount: '-0.01',
    name: '',
    quantity: 0,
    due: '1999-12-31',
    updated_at: '2026-01-01 12:00:00.123456+00',
    payload: '0x41',
  },
];

/**
 * A table big enough that a read is still streaming when its connection is killed (same SQL everywhere): 100,000
 * rows of ~330 bytes, about 33 MB, several times what the server's send buffer and the client's socket can hold
 * between them. With narrow rows (4 MB) a busy machine let the server send the whole result before the KILL landed,
 * and the read then rightly ended without an error.
 */
const PADDING = `padding text to make rows wider ${'x'.repeat(300)}`;
export const BIG_TABLE_SQL = [
  'CREATE TABLE contract_digits (n integer)',
  'INSERT INTO contract_digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)',
  'CREATE TABLE contract_big (id bigint PRIMARY KEY, v varchar(400))',
  `INSERT INTO contract_big SELECT a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n, '${PADDING}'
   FROM contract_digits a, contract_digits b, contract_digits c, contract_digits d, contract_digits e`,
];

const TABLE: TableDefinition = {
  name: 'contract_items',
  primaryKey: ['id'],
  mode: 'incremental',
  watermark: 'updated_at',
  overlapMs: 0,
  deleteDetection: 'none',
  target: 'tables/contract/contract_items',
  partitionBy: [],
  freshnessMs: 7_200_000,
};

export function runSourceContract(name: string, open: () => Promise<SourceFixture | null>): void {
  let fixture: SourceFixture | null = null;
  let duckdb: DuckDbSession;
  let dir: string;
  let runs = 0;

  before(async () => {
    fixture = await open();
    if (!fixture) return;
    await fixture.exec([...fixture.setupSql, ...(fixture.bigTableSql ?? BIG_TABLE_SQL)]);
    duckdb = await createDuckDbSession();
    dir = await mkdtemp(path.join(tmpdir(), 'source-contract-'));
  });
  after(async () => {
    if (!fixture) return;
    duckdb.close();
    await rm(dir, { recursive: true, force: true });
    await fixture.close();
  });

  async function extract(
    f: SourceFixture,
    options: { watermarkFrom?: string; batchSize?: number } = {},
  ): Promise<Record<string, unknown>[]> {
    const storage = new LocalLakeStorage(dir);
    const session = await f.source.openSession();
    try {
      runs += 1;
      const manifest = await extractTable({ storage, duckdb }, session, {
        pipeline: 'contract',
        source: 'contract',
        table: TABLE,
        runId: `run-${runs}`,
        runSequence: runs,
        mode: options.watermarkFrom ? 'incremental' : 'full',
        watermarkFrom: options.watermarkFrom ?? null,
        compareKeys: false,
        ...(options.batchSize ? { batchSize: options.batchSize, rowsPerFile: 2 } : {}),
      });
      const files = manifest.files.map((file) => toSqlString(path.join(dir, file.path)));
      return await duckdb.queryJson(
        `SELECT * REPLACE ('0x' || lower(hex(payload)) AS payload) FROM read_parquet([${files.join(', ')}]) ORDER BY id`,
      );
    } finally {
      await session.close();
    }
  }

  const live = (t: { skip(message: string): void }): SourceFixture | null => {
    if (!fixture) t.skip(`${name}: skipped (no server configured)`);
    return fixture;
  };

  test(`${name}: describes a table in Delta types`, async (t) => {
    const f = live(t);
    if (!f) return;
    const session = await f.source.openSession();
    try {
      const columns = await session.describeTable({ name: 'contract_items' });
      assert.deepEqual(
        columns.map((column) => [column.name, column.type.delta]),
        f.expectedTypes ?? EXPECTED_TYPES,
      );
      assert.equal(columns.find((column) => column.name === 'id')?.nullable, false);
      assert.equal(session.position.kind, f.positionKind);
    } finally {
      await session.close();
    }
  });

  test(`${name}: a full extract lands the same Parquet rows as every other source`, async (t) => {
    const f = live(t);
    if (!f) return;
    assert.deepEqual(await extract(f), f.expectedRows ?? EXPECTED_ROWS);
  });

  test(`${name}: small batches and files give the same rows`, async (t) => {
    const f = live(t);
    if (!f) return;
    assert.deepEqual(await extract(f, { batchSize: 1 }), f.expectedRows ?? EXPECTED_ROWS);
  });

  test(`${name}: an incremental read returns rows at or after the watermark`, async (t) => {
    const f = live(t);
    if (!f) return;
    const rows = await extract(f, { watermarkFrom: '2026-01-01T11:00:00.000Z' });
    assert.deepEqual(
      rows.map((row) => row.id),
      ['2', '3'],
    );
  });

  test(`${name}: a session is one consistent cut; a later session sees the change`, async (t) => {
    const f = live(t);
    if (!f) return;
    const session = await f.source.openSession();
    try {
      const columns = await session.describeTable({ name: 'contract_items' });
      await f.exec([f.updateSql]);
      const seen: (string | null)[][] = [];
      for await (const batch of session.readRows({ table: { name: 'contract_items' }, columns }))
        seen.push(...batch);
      assert.equal(seen.find((row) => row[0] === '1')?.[2], 'alpha');
    } finally {
      await session.close();
    }
    const rows = await extract(f, { watermarkFrom: '2026-01-02T00:00:00Z' });
    assert.deepEqual(
      rows.map((row) => [row.id, row.name]),
      [['1', 'changed']],
    );
  });

  test(`${name}: the session gives the time of its cut from the source's clock (data "as of")`, async (t) => {
    const f = live(t);
    if (!f) return;
    const openedFrom = Date.now();
    const session = await f.source.openSession();
    const openedBy = Date.now();
    try {
      assert.match(session.cutAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const cutAt = Date.parse(session.cutAt ?? '');
      // The server's clock, not ours: within a minute of the opening on a healthy network (same machine here).
      assert.ok(
        cutAt >= openedFrom - 60_000 && cutAt <= openedBy + 60_000,
        `cut at ${session.cutAt}, opened between ${new Date(openedFrom).toISOString()} and ${new Date(openedBy).toISOString()}`,
      );
    } finally {
      await session.close();
    }
  });

  test(`${name}: a missing table is SOURCE_TABLE_NOT_FOUND`, async (t) => {
    const f = live(t);
    if (!f) return;
    const session = await f.source.openSession();
    try {
      await assert.rejects(session.describeTable({ name: 'no_such_table' }), (error: unknown) =>
        isSourceError(error, 'SOURCE_TABLE_NOT_FOUND'),
      );
      await assert.rejects(session.describeTable({ name: 'x; drop table y' }), (error: unknown) =>
        isSourceError(error, 'INVALID_IDENTIFIER'),
      );
    } finally {
      await session.close();
    }
  });

  test(`${name}: a connection killed mid-read fails the read with SOURCE_CONNECTION_LOST`, async (t) => {
    const f = live(t);
    if (!f) return;
    const session = await f.source.openSession();
    try {
      const columns = await session.describeTable({ name: 'contract_big' });
      const rows = session.readRows({ table: { name: 'contract_big' }, columns, batchSize: 100 });
      const iterator = rows[Symbol.asyncIterator]();
      assert.equal((await iterator.next()).done, false);
      await f.killSessions();
      await assert.rejects(
        (async () => {
          for (;;) if ((await iterator.next()).done) break;
        })(),
        (error: unknown) => isSourceError(error, 'SOURCE_CONNECTION_LOST'),
      );
    } finally {
      await session.close();
    }
  });
}

/** Sources with a CSV fast path: it must fail the same way when its connection is killed. */
export function runCsvKillContract(name: string, open: () => Promise<SourceFixture | null>): void {
  test(`${name}: a connection killed mid-CSV-read fails with SOURCE_CONNECTION_LOST`, async (t) => {
    const f = await open();
    if (!f) {
      t.skip(`${name}: skipped (no server configured)`);
      return;
    }
    try {
      await f.exec(f.bigTableSql ?? BIG_TABLE_SQL);
      const session = await f.source.openSession();
      try {
        if (!session.readCsv) {
          t.skip(`${name}: no CSV fast path`);
          return;
        }
        const columns = await session.describeTable({ name: 'contract_big' });
        const csv = session.readCsv({ table: { name: 'contract_big' }, columns });
        const iterator = csv[Symbol.asyncIterator]();
        assert.equal((await iterator.next()).done, false);
        await f.killSessions();
        await assert.rejects(
          (async () => {
            for (;;) if ((await iterator.next()).done) break;
          })(),
          (error: unknown) => isSourceError(error, 'SOURCE_CONNECTION_LOST'),
        );
      } finally {
        await session.close();
      }
    } finally {
      await f.close();
    }
  });
}
