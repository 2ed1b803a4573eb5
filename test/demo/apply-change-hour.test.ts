// The change generator against real PostgreSQL: what it reports is what happened, stamped for CDC, with
// integrity intact, and the same seed and history give the same changes.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyChangeHour } from '../../pipelines/demo/apply-change-hour';
import { DEMO_TABLES, type DemoTable } from '../../pipelines/demo/schema';
import { countDemoRows, seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { type TempDatabase, createTempDatabase, queryRows, withClient } from '../support/postgres';
import { FK_ORPHANS_SQL, tableDigests } from './demo-queries';

const ROWS = 20_000;
const SEED = 31337;
const HOUR_1 = new Date('2026-11-24T09:00:00.123Z');
const HOUR_2 = new Date('2026-11-24T10:00:00.456Z');

async function rowsStampedAt(url: string, at: Date): Promise<Record<DemoTable, number>> {
  const selects = DEMO_TABLES.map((t) => `(SELECT count(*) FROM ${t} WHERE updated_at = $1)::int AS ${t}`);
  const [row] = await queryRows<Record<DemoTable, number>>(url, `SELECT ${selects.join(', ')}`, [at]);
  if (!row) throw new Error('no row');
  return row;
}

describe('applyChangeHour', () => {
  let db: TempDatabase;
  let twin: TempDatabase;
  let before1: Record<DemoTable, number>;
  let first: Awaited<ReturnType<typeof applyChangeHour>>;

  before(async () => {
    [db, twin] = await Promise.all([
      createTempDatabase('demo_change'),
      createTempDatabase('demo_change_twin'),
    ]);
    await Promise.all([
      seedDemoSource({ connectionString: db.url, rows: ROWS, seed: SEED }),
      seedDemoSource({ connectionString: twin.url, rows: ROWS, seed: SEED }),
    ]);
    before1 = await withClient(db.url, countDemoRows);
    first = await applyChangeHour({ connectionString: db.url, clock: () => HOUR_1 });
  });
  after(() => Promise.all([db?.drop(), twin?.drop()]));

  it('inserts, updates and deletes rows across the tables, in proportion to their size', () => {
    assert.equal(first.run, 1);
    assert.equal(first.at.toISOString(), HOUR_1.toISOString());
    const sum = (k: 'inserted' | 'updated' | 'deleted') =>
      DEMO_TABLES.reduce((s, t) => s + first.counts[t][k], 0);
    assert.ok(sum('inserted') > 0 && sum('updated') > 0 && sum('deleted') > 0, JSON.stringify(first.counts));
    for (const t of ['building_permits', 'inspections', 'service_requests'] as const) {
      assert.ok(
        first.counts[t].inserted > 0 && first.counts[t].updated > 0,
        `${t} ${JSON.stringify(first.counts[t])}`,
      );
    }
    assert.ok(first.counts.inspections.deleted > 0 && first.counts.service_requests.deleted > 0);
    assert.equal(
      first.counts.parcels.deleted + first.counts.building_permits.deleted,
      0,
      'parents are never deleted',
    );
    // About 0.05-0.2% of each table per hour, never a flood.
    for (const t of DEMO_TABLES) {
      const touched = first.counts[t].inserted + first.counts[t].updated + first.counts[t].deleted;
      assert.ok(touched <= Math.max(12, before1[t] * 0.01), `${t} touched ${touched} of ${before1[t]}`);
    }
  });

  it('stamps exactly the inserted and updated rows with the injected clock time', async () => {
    const stamped = await rowsStampedAt(db.url, HOUR_1);
    for (const t of DEMO_TABLES)
      assert.equal(stamped[t], first.counts[t].inserted + first.counts[t].updated, t);
    const [newRows] = await queryRows<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM service_requests WHERE created_at > '2026-11-01' AND updated_at <> $1`,
      [HOUR_1],
    );
    assert.equal(newRows?.n, 0, 'no other row carries a post-seed time');
  });

  it('moves the row counts by inserted minus deleted and keeps integrity', async () => {
    const after1 = await withClient(db.url, countDemoRows);
    for (const t of DEMO_TABLES) {
      assert.equal(after1[t], before1[t] + first.counts[t].inserted - first.counts[t].deleted, t);
    }
    const [orphans] = await queryRows<Record<string, string>>(db.url, FK_ORPHANS_SQL);
    assert.deepEqual(orphans, { permits: '0', inspections: '0', requests: '0' });
    const [bad] = await queryRows<Record<string, string>>(
      db.url,
      `SELECT
         (SELECT count(*) FROM service_requests WHERE closed_at < opened_at
            OR (status IN ('closed', 'cancelled')) <> (closed_at IS NOT NULL)) AS requests,
         (SELECT count(*) FROM inspections WHERE (status = 'completed') <> (result IS NOT NULL)
            OR (status = 'completed') <> (completed_at IS NOT NULL)) AS inspections,
         (SELECT count(*) FROM building_permits WHERE (status IN ('issued', 'finaled', 'expired')) <> (issued_date IS NOT NULL)
            OR (status = 'finaled') <> (finaled_date IS NOT NULL)) AS permits`,
    );
    assert.deepEqual(bad, { requests: '0', inspections: '0', permits: '0' });
    const [meta] = await queryRows<{ change_runs: number; last_change_at: Date }>(
      db.url,
      'SELECT change_runs, last_change_at FROM demo_meta',
    );
    assert.equal(meta?.change_runs, 1);
    assert.equal(meta?.last_change_at.toISOString(), HOUR_1.toISOString());
  });

  it('is deterministic given the seed and the runs already applied, and differs from run to run', async () => {
    const twinFirst = await applyChangeHour({ connectionString: twin.url, clock: () => HOUR_1 });
    assert.deepEqual(twinFirst.counts, first.counts);
    assert.deepEqual(await tableDigests(twin.url), await tableDigests(db.url));
    const second = await applyChangeHour({ connectionString: db.url, clock: () => HOUR_2 });
    assert.equal(second.run, 2);
    const stamped = await rowsStampedAt(db.url, HOUR_2);
    for (const t of DEMO_TABLES)
      assert.equal(stamped[t], second.counts[t].inserted + second.counts[t].updated, t);
    const twinSecond = await applyChangeHour({ connectionString: twin.url, clock: () => HOUR_2 });
    assert.deepEqual(twinSecond.counts, second.counts);
    assert.deepEqual(await tableDigests(twin.url), await tableDigests(db.url));
  });

  it('refuses an unseeded database and a clock inside the seeded history', async () => {
    const empty = await createTempDatabase('demo_empty');
    try {
      await assert.rejects(applyChangeHour({ connectionString: empty.url, clock: () => HOUR_1 }), {
        name: 'DemoSourceError',
        code: 'NOT_SEEDED',
      });
    } finally {
      await empty.drop();
    }
    await assert.rejects(
      applyChangeHour({ connectionString: db.url, clock: () => new Date('2025-01-01T00:00:00Z') }),
      {
        code: 'INVALID_INPUT',
      },
    );
  });
});
