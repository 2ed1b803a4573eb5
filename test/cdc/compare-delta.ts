// Row-by-row comparison of the demo source with its Delta tables, for the pipeline tests: every row's key and
// updated_at to the microsecond for all four tables, and the text columns of service_requests.

import assert from 'node:assert/strict';
import { planScan } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import type { WriteEffects } from '../../pipelines/delta/write';
import { queryRows } from '../support/postgres';

export const KEYS: Record<string, string> = {
  parcels: 'parcel_id',
  building_permits: 'permit_id',
  inspections: 'inspection_id',
  service_requests: 'request_id',
};

async function sourceFingerprint(url: string, table: string): Promise<string[]> {
  const key = KEYS[table] as string;
  const rows = await queryRows<{ line: string }>(
    url,
    `SELECT ${key}::text || '|' || (extract(epoch FROM updated_at) * 1000000)::bigint::text AS line FROM ${table} ORDER BY ${key}`,
  );
  return rows.map((row) => row.line);
}

async function deltaFingerprint(effects: WriteEffects, table: string): Promise<string[]> {
  const key = KEYS[table] as string;
  const snapshot = await loadSnapshot(effects, `tables/${table}`);
  const plan = await planScan(effects, snapshot);
  try {
    const rows = await effects.duckdb.queryJson(
      `SELECT CAST(${key} AS VARCHAR) || '|' || CAST(epoch_us(updated_at) AS VARCHAR) AS line FROM (${plan.sql}) ORDER BY ${key}`,
    );
    return rows.map((row) => String(row.line));
  } finally {
    await plan.release();
  }
}

export async function assertDeltaMatchesSource(url: string, effects: WriteEffects): Promise<void> {
  for (const table of Object.keys(KEYS)) {
    assert.deepEqual(
      await deltaFingerprint(effects, table),
      await sourceFingerprint(url, table),
      `${table}: Delta differs from the source`,
    );
  }
  // Full content of one table: every column's text, row by row.
  const source = await queryRows<{ line: string }>(
    url,
    `SELECT request_id::text || '|' || status || '|' || description || '|' || coalesce(resolution, '∅') || '|' ||
            coalesce(latitude::text, '∅') AS line FROM service_requests ORDER BY request_id`,
  );
  const snapshot = await loadSnapshot(effects, 'tables/service_requests');
  const plan = await planScan(effects, snapshot);
  try {
    const delta = await effects.duckdb.queryJson(
      `SELECT CAST(request_id AS VARCHAR) || '|' || status || '|' || description || '|' || coalesce(resolution, '∅') || '|' ||
              coalesce(CAST(latitude AS VARCHAR), '∅') AS line FROM (${plan.sql}) ORDER BY request_id`,
    );
    assert.deepEqual(
      delta.map((row) => row.line),
      source.map((row) => row.line),
    );
  } finally {
    await plan.release();
  }
}

export async function countInspectorNames(effects: WriteEffects): Promise<number> {
  const snapshot = await loadSnapshot(effects, 'tables/inspections');
  const plan = await planScan(effects, snapshot);
  try {
    const rows = await effects.duckdb.queryJson(`SELECT count(inspector_name) AS n FROM (${plan.sql})`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await plan.release();
  }
}

export async function versions(effects: WriteEffects): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of Object.keys(KEYS))
    result[table] = (await loadSnapshot(effects, `tables/${table}`)).version;
  return result;
}
