// The rollback scenario's parts, shared by test/cdc/rollback.test.ts and the closing-note script
// test/cdc/rollback-scenario.ts: a PostgreSQL table `items` whose changes carry explicit updated_at times (so
// "older than the overlap window" is exact), an incremental pipeline into a deletion-vector Delta table with
// overlap 1s and a MySQL sync, and the figures compared: count and sums of two numeric columns on the source,
// Delta and MySQL, and each side's rows as text.

import type mysql from 'mysql2/promise';
import { planScan } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import type { WriteEffects } from '../../pipelines/delta/write';
import { parseDefinitionText, type PipelineDefinition } from '../../pipelines/definition/load-definition';
import { withClient } from '../support/postgres';

export const TABLE_ROOT = 'tables/rollback_items';
export const MYSQL_TABLE = 'rollback_items';
/** Seed rows are spread over the hour after BASE; change step k happens at BASE + k hours. */
const BASE = Date.parse('2026-11-01T00:00:00Z');

/** everyRuns: key comparison every N runs, or 'none' (no delete detection but after a restore). */
export function definitionText(everyRuns: number | 'none'): string {
  const detection = everyRuns === 'none' ? 'none' : `{ keyComparison: { everyRuns: ${everyRuns} } }`;
  return `name: rollback
source:
  name: rollback_src
  connection: { kind: postgres, urlEnv: ROLLBACK_SOURCE_URL }
defaults:
  mode: incremental
  overlap: 1s
  deleteDetection: ${detection}
schedule: { cron: '0 * * * *' }
tables:
  - name: items
    primaryKey: [id]
    watermark: updated_at
    target: ${TABLE_ROOT}
    sync: { table: ${MYSQL_TABLE} }
`;
}

export function buildDefinition(everyRuns: number | 'none'): PipelineDefinition {
  return parseDefinitionText(definitionText(everyRuns), 'rollback.pipeline.yaml');
}

export async function seedItems(url: string, rows: number): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(`CREATE TABLE items (
      id bigint PRIMARY KEY, amount numeric(12,2) NOT NULL, qty integer NOT NULL, note text,
      updated_at timestamptz NOT NULL)`);
    await client.query(
      `INSERT INTO items SELECT g, (g % 1000) * 1.25, g % 97, 'n' || g,
              $1::timestamptz + (g % 3600) * interval '1 second'
       FROM generate_series(1, $2::bigint) g`,
      [new Date(BASE).toISOString(), rows],
    );
    await client.query('ANALYZE items');
  });
}

export interface ChangeCounts {
  updated: number;
  inserted: number;
  deleted: number;
}

/**
 * Change step `step` (1, 2, …) at BASE + step hours: updates about rows/997 rows, inserts 100 and deletes about
 * rows/1999, all stamped an hour after the previous step, far outside the 1s overlap.
 */
export async function changeItems(url: string, step: number): Promise<ChangeCounts> {
  const at = new Date(BASE + step * 3_600_000).toISOString();
  return withClient(url, async (client) => {
    const updated = await client.query(
      `UPDATE items SET amount = amount + 1.5, qty = qty + 2, note = 'u' || $2::int, updated_at = $1
       WHERE id % 997 = $2`,
      [at, step],
    );
    const inserted = await client.query(
      `INSERT INTO items SELECT g, 7.25 * $2::int, $2::int, 'i' || $2::int, $1::timestamptz
       FROM generate_series((SELECT max(id) + 1 FROM items), (SELECT max(id) + 100 FROM items)) g`,
      [at, step],
    );
    const deleted = await client.query(`DELETE FROM items WHERE id % 1999 = $1`, [step + 500]);
    return {
      updated: updated.rowCount ?? 0,
      inserted: inserted.rowCount ?? 0,
      deleted: deleted.rowCount ?? 0,
    };
  });
}

export interface Figures {
  rows: number;
  amount: string;
  qty: string;
}

const toFigures = (row: Record<string, unknown> | undefined): Figures => ({
  rows: Number(row?.rows ?? 0),
  amount: String(row?.amount ?? '0'),
  qty: String(row?.qty ?? '0'),
});

export async function sourceFigures(url: string): Promise<Figures> {
  return withClient(url, async (client) =>
    toFigures(
      (
        await client.query(
          'SELECT count(*)::int AS rows, sum(amount)::text AS amount, sum(qty)::text AS qty FROM items',
        )
      ).rows[0],
    ),
  );
}

async function withDeltaScan<T>(effects: WriteEffects, work: (sql: string) => Promise<T>): Promise<T> {
  const plan = await planScan(effects, await loadSnapshot(effects, TABLE_ROOT));
  try {
    return await work(plan.sql);
  } finally {
    await plan.release();
  }
}

export function deltaFigures(effects: WriteEffects): Promise<Figures> {
  return withDeltaScan(effects, async (sql) => {
    const [row] = await effects.duckdb.queryJson(
      `SELECT count(*)::INTEGER AS rows, CAST(sum(amount) AS VARCHAR) AS amount, CAST(sum(qty) AS VARCHAR) AS qty FROM (${sql})`,
    );
    return toFigures(row);
  });
}

export async function mysqlFigures(admin: mysql.Connection): Promise<Figures> {
  const [rows] = await admin.query(
    `SELECT count(*) AS \`rows\`, CAST(sum(amount) AS CHAR) AS amount, CAST(sum(qty) AS CHAR) AS qty FROM ${MYSQL_TABLE}`,
  );
  return toFigures((rows as Record<string, unknown>[])[0]);
}

/** Every source row as text: id|amount|qty|note|updated_at in µs since the epoch. */
export async function sourceLines(url: string): Promise<string[]> {
  return withClient(url, async (client) =>
    (
      await client.query<{ line: string }>(
        `SELECT id::text || '|' || amount::text || '|' || qty::text || '|' || coalesce(note, '∅') || '|' ||
                (extract(epoch FROM updated_at) * 1000000)::bigint::text AS line FROM items ORDER BY id`,
      )
    ).rows.map((row) => row.line),
  );
}

export function deltaLines(effects: WriteEffects): Promise<string[]> {
  return withDeltaScan(effects, async (sql) =>
    (
      await effects.duckdb.queryJson(
        `SELECT CAST(id AS VARCHAR) || '|' || CAST(amount AS VARCHAR) || '|' || CAST(qty AS VARCHAR) || '|' ||
                coalesce(note, '∅') || '|' || CAST(epoch_us(updated_at) AS VARCHAR) AS line FROM (${sql}) ORDER BY id`,
      )
    ).map((row) => String(row.line)),
  );
}

/** MySQL rows as text without updated_at (its DATETIME text is checked by the sync's own verify). */
export async function mysqlLines(admin: mysql.Connection): Promise<string[]> {
  const [rows] = await admin.query(
    `SELECT CONCAT(id, '|', amount, '|', qty, '|', COALESCE(note, '∅')) AS line FROM ${MYSQL_TABLE} ORDER BY id`,
  );
  return (rows as { line: string }[]).map((row) => row.line);
}

/** Source lines reduced to what mysqlLines shows. */
export const withoutTime = (lines: string[]): string[] =>
  lines.map((line) => line.slice(0, line.lastIndexOf('|')));
