// One simulated hour of county activity, applied in one transaction so a CDC extract sees all of it or none.
// Every row touched gets updated_at = the injected clock's time (new rows too), which is what an updated_at
// watermark extract relies on. The run is deterministic given the seed and how many runs came before.

import { connectDemoSource } from './connect';
import { type ChangeContext, type TableChangeCounts } from './change-context';
import { changeParcels } from './change-parcels';
import { changeBuildingPermits, changeInspections } from './change-permits';
import { changeServiceRequests } from './change-requests';
import { STREAMS, createGeneratorContext } from './context';
import { DemoSourceError } from './errors';
import { Rng, hashInts } from './random';
import { DEMO_TABLES, type DemoTable } from './schema';
import { DEMO_LOCK_KEY, type DemoLog, countDemoRows, inspectDemoSource } from './seed-demo-source';
import { ANCHOR_MS } from './time';
import { logCleanupFailure } from '../support/cleanup';

export type { TableChangeCounts } from './change-context';

export interface ChangeHourOptions {
  connectionString: string;
  /** Seed of the change stream; defaults to the seed the database was seeded with. */
  seed?: number;
  clock?: () => Date;
  log?: DemoLog;
}

export interface ChangeHourResult {
  /** 1 for the first change run after seeding, then 2, 3, ... */
  run: number;
  /** The time stamped into updated_at of every row touched. */
  at: Date;
  counts: Record<DemoTable, TableChangeCounts>;
  ms: number;
}

interface MetaRow {
  seed: string;
  change_runs: number;
  seeded_counts: Record<DemoTable, number>;
}

export async function applyChangeHour(options: ChangeHourOptions): Promise<ChangeHourResult> {
  const { connectionString, clock = () => new Date(), log = () => undefined } = options;
  const now = clock();
  if (Number.isNaN(now.getTime()) || now.getTime() <= ANCHOR_MS) {
    throw new DemoSourceError(
      'INVALID_INPUT',
      `The change clock must be after ${new Date(ANCHOR_MS).toISOString()}, when the seeded history ends`,
    );
  }
  const started = Date.now();
  const client = await connectDemoSource(connectionString);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [DEMO_LOCK_KEY]);
    if (!(await inspectDemoSource(client)).seeded) {
      throw new DemoSourceError(
        'NOT_SEEDED',
        'The demo source is not seeded yet; run `demo-source seed` first',
      );
    }
    const meta = (
      await client.query<MetaRow>(
        'SELECT seed, change_runs, seeded_counts FROM demo_meta WHERE id = 1 FOR UPDATE',
      )
    ).rows[0];
    if (!meta) throw new DemoSourceError('NOT_SEEDED', 'demo_meta has no row');
    const seed = options.seed ?? Number(meta.seed);
    const run = meta.change_runs + 1;
    const gen = createGeneratorContext(seed, {
      parcels: meta.seeded_counts.parcels,
      permits: meta.seeded_counts.building_permits,
    });
    const ctx: ChangeContext = {
      client,
      gen,
      rng: new Rng(hashInts(seed, STREAMS.change, run)),
      now,
      nowMs: now.getTime(),
      salt: `${seed}:${run}`,
      sizes: await countDemoRows(client),
    };
    const parcels = await changeParcels(ctx);
    const permits = await changeBuildingPermits(ctx);
    const inspections = await changeInspections(ctx, permits.finaledIds);
    const requests = await changeServiceRequests(ctx);
    await client.query('UPDATE demo_meta SET change_runs = $1, last_change_at = $2 WHERE id = 1', [run, now]);
    await client.query('COMMIT');
    const counts: Record<DemoTable, TableChangeCounts> = {
      parcels,
      building_permits: permits.counts,
      inspections,
      service_requests: requests,
    };
    for (const table of DEMO_TABLES) {
      const c = counts[table];
      log(`${table}: +${c.inserted} inserted, ~${c.updated} updated, -${c.deleted} deleted`);
    }
    return { run, at: now, counts, ms: Date.now() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(logCleanupFailure("client.query('ROLLBACK')"));
    if (error instanceof DemoSourceError) throw error;
    throw new DemoSourceError('QUERY', `Applying a change hour failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(logCleanupFailure('client.end()'));
  }
}
