// Pure tests of the demo generator: determinism, formats, internal consistency and COPY escaping, no database.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGeneratorContext, planRowCounts } from '../../pipelines/demo/context';
import { encodeCopyRow, encodeCopyValue } from '../../pipelines/demo/copy-text';
import { formatApn } from '../../pipelines/demo/generate-parcels';
import {
  generateInspectionRows,
  generateParcelRows,
  generatePermitRows,
  generateRequestRows,
} from '../../pipelines/demo/row-sources';
import { COLUMNS } from '../../pipelines/demo/schema';
import { ANCHOR_MS } from '../../pipelines/demo/time';

const plan = planRowCounts(5000);

function allRows(seed: number) {
  const ctx = createGeneratorContext(seed, plan);
  const tally = { count: 0 };
  return {
    parcels: [...generateParcelRows(ctx)],
    permits: [...generatePermitRows(ctx)],
    inspections: [...generateInspectionRows(ctx, tally)],
    requests: [...generateRequestRows(ctx, 2000)],
  };
}

function column(rows: unknown[][], table: keyof typeof COLUMNS, name: string): unknown[] {
  const index = COLUMNS[table].indexOf(name);
  assert.ok(index >= 0, `${table}.${name} exists`);
  return rows.map((r) => r[index]);
}

describe('demo generator', () => {
  const first = allRows(7);

  it('gives identical rows for the same seed and different rows for another seed', () => {
    assert.deepEqual(allRows(7), first);
    const other = allRows(8);
    assert.notDeepEqual(other.parcels, first.parcels);
    assert.notDeepEqual(other.requests, first.requests);
  });

  it('splits the rows as planned and emits every column', () => {
    assert.equal(first.parcels.length, 500);
    assert.equal(first.permits.length, 750);
    // Inspections follow the permits: about 35% of the total, i.e. 2.3 per permit.
    const perPermit = first.inspections.length / first.permits.length;
    assert.ok(perPermit > 1.6 && perPermit < 3.2, `inspections per permit ${perPermit}`);
    for (const row of first.parcels) assert.equal(row.length, COLUMNS.parcels.length);
    for (const row of first.permits) assert.equal(row.length, COLUMNS.building_permits.length);
    for (const row of first.inspections) assert.equal(row.length, COLUMNS.inspections.length);
    for (const row of first.requests) assert.equal(row.length, COLUMNS.service_requests.length);
  });

  it('formats identifiers like the county does', () => {
    assert.equal(formatApn(1), '100-100-001');
    for (const apn of column(first.parcels, 'parcels', 'apn'))
      assert.match(String(apn), /^\d{3}-\d{3}-\d{3}$/);
    for (const n of column(first.permits, 'building_permits', 'permit_number'))
      assert.match(String(n), /^BP-20\d\d-\d{6}$/);
    for (const n of column(first.requests, 'service_requests', 'request_number'))
      assert.match(String(n), /^SR-\d\d-\d{7}$/);
    const apns = column(first.parcels, 'parcels', 'apn');
    assert.equal(new Set(apns).size, apns.length, 'APNs are unique');
  });

  it('keeps every seeded timestamp before the anchor and references in range', () => {
    for (const [table, rows] of [
      ['parcels', first.parcels],
      ['building_permits', first.permits],
      ['inspections', first.inspections],
      ['service_requests', first.requests],
    ] as const) {
      for (const value of column(rows, table, 'updated_at'))
        assert.ok(Date.parse(String(value)) < ANCHOR_MS, `${table} ${value}`);
    }
    for (const id of column(first.permits, 'building_permits', 'parcel_id'))
      assert.ok(Number(id) >= 1 && Number(id) <= 500);
    for (const id of column(first.inspections, 'inspections', 'permit_id'))
      assert.ok(Number(id) >= 1 && Number(id) <= 750);
  });

  it('keeps inspection results consistent with their status', () => {
    const status = column(first.inspections, 'inspections', 'status');
    const result = column(first.inspections, 'inspections', 'result');
    const completedAt = column(first.inspections, 'inspections', 'completed_at');
    status.forEach((s, i) => {
      if (s === 'completed') assert.ok(result[i] !== null && completedAt[i] !== null);
      else assert.ok(result[i] === null && completedAt[i] === null, `${s} has no result`);
    });
    assert.ok(new Set(result).has('fail') && new Set(status).has('cancelled'));
  });
});

describe('COPY text encoding', () => {
  it('escapes the characters that end a column or a row, and writes NULL as \\N', () => {
    assert.equal(encodeCopyValue(null), '\\N');
    assert.equal(encodeCopyValue('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
    assert.equal(encodeCopyValue('plain text, "quoted"'), 'plain text, "quoted"');
    assert.equal(encodeCopyValue(12.5), '12.5');
    assert.equal(encodeCopyValue(true), 't');
    assert.equal(encodeCopyRow([1, null, 'x\ty']), '1\t\\N\tx\\ty\n');
  });
});
