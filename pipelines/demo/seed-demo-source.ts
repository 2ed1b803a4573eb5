// Seeding the demo source: schema, then every table streamed through COPY in foreign-key order, then keys,
// indexes and statistics. It all runs in one transaction, so a failed or interrupted seed leaves nothing behind
// and the next run starts clean; an already seeded database is left alone unless force is set.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connectDemoSource } from './connect';
import { type GeneratorContext, createGeneratorContext, planRowCounts } from './context';
import { chunkCopyRows, type CopyValue } from './copy-text';
import { DemoSourceError } from './errors';
import {
  generateInspectionRows,
  generateParcelRows,
  generatePermitRows,
  generateRequestRows,
} from './row-sources';
import {
  COLUMNS,
  CREATE_TABLES_SQL,
  DEMO_TABLES,
  DROP_TABLES_SQL,
  type DemoTable,
  FINALIZE_TABLES_SQL,
  PRIMARY_KEYS,
  SCHEMA_VERSION,
} from './schema';
import { logCleanupFailure } from '../support/cleanup';

export type DemoLog = (message: string) => void;

export interface SeedOptions {
  connectionString: string;
  /** Approximate total rows across the four tables. */
  rows: number;
  seed: number;
  /** Drop the demo tables and seed again even when the database is already seeded. */
  force?: boolean;
  log?: DemoLog;
  /** Time source for seeded_at and the duration; the rows themselves never depend on it. */
  clock?: () => Date;
}

export interface SeedResult {
  seeded: boolean;
  counts: Record<DemoTable, number>;
  ms: number;
}

/** Advisory lock key shared by the seeder and the change generator, so they never run over each other. */
export const DEMO_LOCK_KEY = 7_326_411;

/** Which demo tables exist, and whether demo_meta says the seed completed. */
export async function inspectDemoSource(client: pg.Client): Promise<{ existing: string[]; seeded: boolean }> {
  const names = [...DEMO_TABLES, 'demo_meta'];
  const found = await client.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL',
    [names],
  );
  const existing = found.rows.map((r) => r.name);
  if (!existing.includes('demo_meta')) return { existing, seeded: false };
  const meta = await client.query('SELECT 1 FROM demo_meta WHERE id = 1');
  return { existing, seeded: meta.rowCount === 1 };
}

/** Exact row counts of the demo tables. */
export async function countDemoRows(client: pg.Client): Promise<Record<DemoTable, number>> {
  const selects = DEMO_TABLES.map((t) => `(SELECT count(*) FROM ${t})::bigint AS ${t}`).join(', ');
  const result = await client.query<Record<DemoTable, string>>(`SELECT ${selects}`);
  const row = result.rows[0];
  const counts = {} as Record<DemoTable, number>;
  for (const table of DEMO_TABLES) counts[table] = Number(row?.[table] ?? 0);
  return counts;
}

async function copyRows(
  client: pg.Client,
  table: DemoTable,
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  // FREEZE: the table was created in this transaction, so rows can be written frozen and skip a later rewrite.
  const sql = `COPY ${table} (${COLUMNS[table].join(', ')}) FROM STDIN WITH (FORMAT text, FREEZE)`;
  await pipeline(Readable.from(chunkCopyRows(rows)), client.query(copyFrom(sql)));
}

async function loadTables(
  client: pg.Client,
  ctx: GeneratorContext,
  total: number,
  log: DemoLog,
): Promise<void> {
  const tally = { count: 0 };
  const started = Date.now();
  await copyRows(client, 'parcels', generateParcelRows(ctx));
  log(`parcels: ${ctx.parcelCount} rows (${Date.now() - started} ms)`);
  await copyRows(client, 'building_permits', generatePermitRows(ctx));
  log(`building_permits: ${ctx.permitCount} rows (${Date.now() - started} ms)`);
  await copyRows(client, 'inspections', generateInspectionRows(ctx, tally));
  log(`inspections: ${tally.count} rows (${Date.now() - started} ms)`);
  // Service requests take whatever the other tables left of the requested total, so the total is exact.
  const requests = Math.max(Math.round(total * 0.2), total - ctx.parcelCount - ctx.permitCount - tally.count);
  await copyRows(client, 'service_requests', generateRequestRows(ctx, requests));
  log(`service_requests: ${requests} rows (${Date.now() - started} ms)`);
}

export async function seedDemoSource(options: SeedOptions): Promise<SeedResult> {
  const {
    connectionString,
    rows,
    seed,
    force = false,
    log = () => undefined,
    clock = () => new Date(),
  } = options;
  if (!Number.isInteger(rows) || rows < 100)
    throw new DemoSourceError('INVALID_INPUT', `rows must be an integer >= 100, got ${rows}`);
  if (!Number.isInteger(seed) || seed < 0)
    throw new DemoSourceError('INVALID_INPUT', `seed must be an integer >= 0, got ${seed}`);
  const started = clock().getTime();
  const client = await connectDemoSource(connectionString);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [DEMO_LOCK_KEY]);
    const state = await inspectDemoSource(client);
    if (state.seeded && !force) {
      await client.query('ROLLBACK');
      log('demo source already seeded; nothing to do (use force to reseed)');
      return { seeded: false, counts: await countDemoRows(client), ms: clock().getTime() - started };
    }
    if (state.existing.length > 0 && !force) {
      throw new DemoSourceError(
        'NOT_EMPTY',
        `The database has demo tables (${state.existing.join(', ')}) but no completed seed; reseed with --force`,
      );
    }
    if (state.existing.length > 0) {
      log(`dropping ${state.existing.join(', ')}`);
      await client.query(DROP_TABLES_SQL);
    }
    await client.query("SET LOCAL maintenance_work_mem = '512MB'");
    await client.query('SET LOCAL synchronous_commit = off');
    await client.query(CREATE_TABLES_SQL);
    const plan = planRowCounts(rows);
    const ctx = createGeneratorContext(seed, plan);
    log(`seeding ~${rows} rows with seed ${seed}`);
    await loadTables(client, ctx, rows, log);
    const indexStarted = Date.now();
    for (const statement of FINALIZE_TABLES_SQL) await client.query(statement);
    for (const table of DEMO_TABLES) {
      const key = PRIMARY_KEYS[table];
      // Identity columns continue after the seeded ids, so the change generator's inserts never collide.
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', '${key}'), GREATEST((SELECT max(${key}) FROM ${table}), 1))`,
      );
    }
    log(`keys and indexes: ${Date.now() - indexStarted} ms`);
    // The seeded counts tell the change generator which ids are the seeded, contiguous ones.
    await client.query(
      'INSERT INTO demo_meta (id, schema_version, seed, rows_requested, seeded_at, seeded_counts) VALUES (1, $1, $2, $3, $4, $5)',
      [SCHEMA_VERSION, seed, rows, clock(), JSON.stringify(await countDemoRows(client))],
    );
    await client.query('COMMIT');
    const analyzeStarted = Date.now();
    await client.query(`ANALYZE ${DEMO_TABLES.join(', ')}, demo_meta`);
    log(`analyze: ${Date.now() - analyzeStarted} ms`);
    return { seeded: true, counts: await countDemoRows(client), ms: clock().getTime() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(logCleanupFailure("client.query('ROLLBACK')"));
    if (error instanceof DemoSourceError) throw error;
    throw new DemoSourceError('QUERY', `Seeding the demo source failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(logCleanupFailure('client.end()'));
  }
}
