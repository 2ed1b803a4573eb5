// Shared plumbing of the change generator: the state of one run, and the few SQL shapes every step uses.
// Candidates are chosen by ordering on md5(id || run salt), which is random-looking yet deterministic for a
// given database state, seed and run number; rows already touched in this run (updated_at = now) are excluded,
// so each row is counted once.

import type pg from 'pg';
import type { GeneratorContext } from './context';
import { Rng } from './random';
import { type DemoTable, PRIMARY_KEYS } from './schema';
import { DAY_MS, formatDate, startOfDay } from './time';

export interface ChangeContext {
  client: pg.Client;
  gen: GeneratorContext;
  rng: Rng;
  now: Date;
  nowMs: number;
  /** Makes the candidate order differ between runs. */
  salt: string;
  /** Row counts at the start of the run; volumes are proportional to them. */
  sizes: Record<DemoTable, number>;
}

export interface TableChangeCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

export type JsonRow = Record<string, string | number | boolean | null>;

/** How many rows a step touches: rate x table size, jittered ±30%, at least min. */
export function volumeOf(ctx: ChangeContext, table: DemoTable, rate: number, min: number): number {
  return Math.max(min, Math.round(ctx.sizes[table] * rate * ctx.rng.float(0.7, 1.3)));
}

/** Up to limit rows of table matching where, in this run's deterministic random order, untouched this run. */
export async function selectCandidates<R extends pg.QueryResultRow>(
  ctx: ChangeContext,
  table: DemoTable,
  columns: string,
  where: string,
  limit: number,
): Promise<R[]> {
  const key = PRIMARY_KEYS[table];
  const result = await ctx.client.query<R>(
    `SELECT ${columns} FROM ${table} WHERE (${where}) AND updated_at < $1 ORDER BY md5(${key}::text || $2), ${key} LIMIT $3`,
    [ctx.now, `${ctx.salt}:${table}`, limit],
  );
  return result.rows;
}

/** Delete up to limit rows matching where, chosen as selectCandidates would; returns how many went. */
export async function deleteCandidates(
  ctx: ChangeContext,
  table: DemoTable,
  where: string,
  limit: number,
): Promise<number> {
  const key = PRIMARY_KEYS[table];
  const result = await ctx.client.query(
    `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE (${where}) AND updated_at < $1 ` +
      `ORDER BY md5(${key}::text || $2), ${key} LIMIT $3)`,
    [ctx.now, `${ctx.salt}:${table}:delete`, limit],
  );
  return result.rowCount ?? 0;
}

/** Next ids of a table's identity sequence, so new rows can carry numbers derived from their id. */
export async function reserveIds(ctx: ChangeContext, table: DemoTable, count: number): Promise<number[]> {
  if (count <= 0) return [];
  const result = await ctx.client.query<{ id: string }>(
    `SELECT nextval(pg_get_serial_sequence('${table}', '${PRIMARY_KEYS[table]}')) AS id FROM generate_series(1, $1)`,
    [count],
  );
  return result.rows.map((r) => Number(r.id));
}

/** Insert rows given as objects keyed by column; PostgreSQL converts each value with the column's type. */
export async function insertJsonRows(ctx: ChangeContext, table: DemoTable, rows: JsonRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0] ?? {}).join(', ');
  const result = await ctx.client.query(
    `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}

/** Update the given columns of rows identified by their key; the other columns keep their values. */
export async function updateJsonRows(ctx: ChangeContext, table: DemoTable, rows: JsonRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const key = PRIMARY_KEYS[table];
  const columns = Object.keys(rows[0] ?? {}).filter((c) => c !== key);
  const assignments = columns.map((c) => `${c} = v.${c}`).join(', ');
  const result = await ctx.client.query(
    `UPDATE ${table} AS t SET ${assignments} FROM json_populate_recordset(NULL::${table}, $1::json) AS v ` +
      `WHERE t.${key} = v.${key}`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}

/**
 * Move up to limit candidate rows (chosen as selectCandidates does) to the state next gives each; returns the
 * rows written and how many were updated. next runs in candidate order, so the run's random draws stay the same.
 */
export async function advanceCandidates<R extends pg.QueryResultRow>(
  ctx: ChangeContext,
  table: DemoTable,
  columns: string,
  where: string,
  limit: number,
  next: (row: R) => JsonRow,
): Promise<{ rows: JsonRow[]; updated: number }> {
  const candidates = await selectCandidates<R>(ctx, table, columns, where, limit);
  const rows = candidates.map(next);
  return { rows, updated: await updateJsonRows(ctx, table, rows) };
}

/**
 * Insert count new rows made by make from reserved ids; make gets one scratch Rng for generateParcel, shared by
 * the batch, so a new row's parcel is drawn the same way as in the seed.
 */
export async function insertNewRows(
  ctx: ChangeContext,
  table: DemoTable,
  count: number,
  make: (id: number, parcelRng: Rng) => JsonRow,
): Promise<number> {
  const ids = await reserveIds(ctx, table, count);
  const parcelRng = new Rng(0);
  return insertJsonRows(
    ctx,
    table,
    ids.map((id) => make(id, parcelRng)),
  );
}

/** Today's date (UTC) plus some days, as a SQL date. */
export function dayFromNow(ctx: ChangeContext, days: number): string {
  return formatDate(startOfDay(ctx.nowMs) + days * DAY_MS);
}

/** A moment within the past hour, for events that happened during the simulated hour. */
export function withinPastHour(ctx: ChangeContext): number {
  return ctx.nowMs - ctx.rng.int(0, 3_599_000);
}
