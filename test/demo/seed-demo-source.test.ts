// Seeding a real PostgreSQL database (temporary, dropped afterwards) at small sizes.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGeneratorContext, planRowCounts } from '../../pipelines/demo/context';
import { generatePermitRow } from '../../pipelines/demo/generate-permits';
import { Rng } from '../../pipelines/demo/random';
import { generateInspectionRows } from '../../pipelines/demo/row-sources';
import { DEMO_TABLES, PRIMARY_KEYS } from '../../pipelines/demo/schema';
import { seedDemoSource } from '../../pipelines/demo/seed-demo-source';
import { type TempDatabase, createTempDatabase, queryRows } from '../support/postgres';
import { FK_ORPHANS_SQL, tableDigests } from './demo-queries';

const ROWS = 20_000;
const SEED = 4242;

describe('seedDemoSource', () => {
  let db: TempDatabase;
  let first: Awaited<ReturnType<typeof seedDemoSource>>;

  before(async () => {
    db = await createTempDatabase('demo_seed');
    first = await seedDemoSource({ connectionString: db.url, rows: ROWS, seed: SEED });
  });
  after(() => db?.drop());

  it('creates every table with the planned split and exactly the requested total', async () => {
    assert.equal(first.seeded, true);
    const plan = planRowCounts(ROWS);
    assert.equal(first.counts.parcels, plan.parcels);
    assert.equal(first.counts.building_permits, plan.permits);
    const total = DEMO_TABLES.reduce((sum, t) => sum + first.counts[t], 0);
    assert.equal(total, ROWS);
    assert.ok(
      first.counts.inspections > ROWS * 0.28 && first.counts.inspections < ROWS * 0.42,
      `${first.counts.inspections}`,
    );
    assert.ok(first.counts.service_requests > ROWS * 0.33, `${first.counts.service_requests}`);
    const [row] = await queryRows<{ n: string }>(db.url, 'SELECT count(*) AS n FROM service_requests');
    assert.equal(Number(row?.n), first.counts.service_requests);
  });

  it('has valid foreign keys, declared and in the data', async () => {
    const [orphans] = await queryRows<Record<string, string>>(db.url, FK_ORPHANS_SQL);
    assert.deepEqual(orphans, { permits: '0', inspections: '0', requests: '0' });
    const fks = await queryRows<{ conname: string }>(
      db.url,
      "SELECT conname FROM pg_constraint WHERE contype = 'f' ORDER BY 1",
    );
    assert.deepEqual(
      fks.map((r) => r.conname),
      ['building_permits_parcel_fk', 'inspections_permit_fk', 'service_requests_parcel_fk'],
    );
    const indexes = await queryRows<{ indexname: string }>(
      db.url,
      "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%updated_at_idx'",
    );
    assert.equal(indexes.length, 4);
  });

  it('leaves an already seeded database alone', async () => {
    const before = await tableDigests(db.url);
    const again = await seedDemoSource({ connectionString: db.url, rows: 5000, seed: 1 });
    assert.equal(again.seeded, false);
    assert.deepEqual(again.counts, first.counts);
    assert.deepEqual(await tableDigests(db.url), before);
  });

  it('stores nulls, long text, decimals and dates where a county system has them', async () => {
    const [r] = await queryRows<Record<string, string>>(
      db.url,
      `SELECT
         (SELECT count(*) FILTER (WHERE parcel_id IS NULL) FROM service_requests) AS requests_without_parcel,
         (SELECT count(*) FILTER (WHERE reporter_name IS NULL) FROM service_requests) AS anonymous,
         (SELECT count(*) FILTER (WHERE closed_at IS NULL) FROM service_requests) AS open_requests,
         (SELECT count(*) FILTER (WHERE year_built IS NULL) FROM parcels) AS vacant,
         (SELECT count(*) FILTER (WHERE contractor_name IS NULL) FROM building_permits) AS owner_builders,
         (SELECT count(*) FILTER (WHERE notes IS NULL) FROM inspections) AS no_notes,
         (SELECT avg(length(description)) FROM service_requests)::int AS request_text,
         (SELECT avg(length(description)) FROM building_permits)::int AS permit_text,
         (SELECT count(*) FROM inspections WHERE notes LIKE E'%\\n%' AND notes LIKE E'%\\t%') AS multiline_notes,
         (SELECT count(*) FROM inspections WHERE strpos(notes, '\\\\fileserver\\') > 0) AS backslash_notes,
         (SELECT count(DISTINCT valuation) FROM building_permits) AS valuations,
         (SELECT count(*) FROM parcels WHERE lot_size_acres <> round(lot_size_acres, 2)) AS fine_acres`,
    );
    for (const [name, value] of Object.entries(r ?? {})) assert.ok(Number(value) > 0, `${name} = ${value}`);
    assert.ok(Number(r?.request_text) > 120 && Number(r?.permit_text) > 100);
    const types = await queryRows<{ column_name: string; data_type: string; numeric_scale: number | null }>(
      db.url,
      `SELECT column_name, data_type, numeric_scale FROM information_schema.columns
        WHERE table_name = 'parcels' AND column_name IN ('lot_size_acres', 'latitude', 'last_sale_date', 'created_at')
        ORDER BY column_name`,
    );
    assert.deepEqual(
      types.map((t) => `${t.column_name}:${t.data_type}:${t.numeric_scale ?? ''}`),
      [
        'created_at:timestamp with time zone:',
        'last_sale_date:date:',
        'latitude:numeric:6',
        'lot_size_acres:numeric:4',
      ],
    );
  });

  it('round-trips long text with tabs, line breaks and backslashes through COPY', async () => {
    const ctx = createGeneratorContext(SEED, planRowCounts(ROWS));
    const stored = await queryRows<{ permit_id: string; description: string }>(
      db.url,
      `SELECT permit_id, description FROM building_permits WHERE description LIKE E'%\\n%' ORDER BY permit_id LIMIT 20`,
    );
    assert.ok(stored.length > 0);
    const rng = new Rng(0);
    const parcelRng = new Rng(0);
    for (const row of stored)
      assert.equal(row.description, generatePermitRow(ctx, Number(row.permit_id), rng, parcelRng)[6]);

    const notes = await queryRows<{ inspection_id: string; notes: string }>(
      db.url,
      "SELECT inspection_id, notes FROM inspections WHERE strpos(notes, E'\\\\') > 0 AND strpos(notes, E'\\t') > 0 ORDER BY 1",
    );
    assert.ok(notes.length > 0);
    const generated = [...generateInspectionRows(ctx, { count: 0 })];
    for (const row of notes) assert.equal(row.notes, generated[Number(row.inspection_id) - 1]?.[9]);
  });

  it('keeps the data consistent: lifecycles, timestamps and identity sequences', async () => {
    const [r] = await queryRows<Record<string, string>>(
      db.url,
      `SELECT
         (SELECT count(*) FROM service_requests WHERE closed_at < opened_at
            OR (status IN ('closed', 'cancelled')) <> (closed_at IS NOT NULL)
            OR (status IN ('closed', 'cancelled')) <> (resolution IS NOT NULL)) AS bad_requests,
         (SELECT count(*) FROM building_permits WHERE issued_date < applied_date OR finaled_date < issued_date
            OR (status IN ('issued', 'finaled', 'expired')) <> (issued_date IS NOT NULL)
            OR (status = 'finaled') <> (finaled_date IS NOT NULL)) AS bad_permits,
         (SELECT count(*) FROM inspections WHERE (status = 'completed') <> (result IS NOT NULL)
            OR (status = 'completed') <> (completed_at IS NOT NULL) OR completed_at < requested_at) AS bad_inspections,
         (SELECT count(*) FROM building_permits p WHERE status = 'finaled' AND NOT EXISTS (SELECT 1 FROM inspections i
            WHERE i.permit_id = p.permit_id AND i.inspection_type = 'final' AND i.result = 'pass')) AS finaled_without_final,
         (SELECT count(*) FROM (SELECT created_at, updated_at FROM parcels UNION ALL SELECT created_at, updated_at FROM building_permits
            UNION ALL SELECT created_at, updated_at FROM inspections UNION ALL SELECT created_at, updated_at FROM service_requests) t
            WHERE updated_at < created_at OR updated_at > '2026-11-01T00:00:00Z' OR created_at < '2016-10-01') AS bad_times`,
    );
    assert.deepEqual(r, {
      bad_requests: '0',
      bad_permits: '0',
      bad_inspections: '0',
      finaled_without_final: '0',
      bad_times: '0',
    });
    for (const table of DEMO_TABLES) {
      const key = PRIMARY_KEYS[table];
      const [seq] = await queryRows<{ last: string; max: string }>(
        db.url,
        `SELECT (SELECT last_value FROM ${table}_${key}_seq) AS last, (SELECT max(${key}) FROM ${table}) AS max`,
      );
      assert.equal(seq?.last, seq?.max, `${table} identity continues after the seeded ids`);
    }
  });
});

describe('seedDemoSource determinism and force', () => {
  const dbs: TempDatabase[] = [];
  after(() => Promise.all(dbs.map((d) => d.drop())));

  it('gives byte-identical tables for the same seed and size, different ones for another seed', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => createTempDatabase('demo_det')));
    dbs.push(a!, b!, c!);
    await Promise.all([
      seedDemoSource({ connectionString: a!.url, rows: 6000, seed: 99 }),
      seedDemoSource({ connectionString: b!.url, rows: 6000, seed: 99 }),
      seedDemoSource({ connectionString: c!.url, rows: 6000, seed: 100 }),
    ]);
    const [da, db_, dc] = await Promise.all([a!, b!, c!].map((d) => tableDigests(d.url)));
    assert.deepEqual(da, db_);
    for (const table of DEMO_TABLES) assert.notEqual(da?.[table], dc?.[table], table);
  });

  it('reseeds with force, and refuses tables it did not seed', async () => {
    const d = await createTempDatabase('demo_force');
    dbs.push(d);
    await seedDemoSource({ connectionString: d.url, rows: 2000, seed: 5 });
    const reseeded = await seedDemoSource({ connectionString: d.url, rows: 3000, seed: 6, force: true });
    assert.equal(reseeded.seeded, true);
    assert.equal(
      DEMO_TABLES.reduce((s, t) => s + reseeded.counts[t], 0),
      3000,
    );
    const [meta] = await queryRows<{ seed: string }>(d.url, 'SELECT seed FROM demo_meta');
    assert.equal(meta?.seed, '6');

    const foreign = await createTempDatabase('demo_foreign');
    dbs.push(foreign);
    await queryRows(foreign.url, 'CREATE TABLE parcels (id int)');
    await assert.rejects(seedDemoSource({ connectionString: foreign.url, rows: 2000, seed: 5 }), {
      name: 'DemoSourceError',
      code: 'NOT_EMPTY',
    });
  });
});
