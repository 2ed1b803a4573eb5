// Comparing what a pipeline run left behind, by primary key: the demo source tables, their Delta tables and
// their MySQL copies (tests of the worker with the real runners).

import assert from 'node:assert/strict';
import { DEMO_TABLES, PRIMARY_KEYS } from '../../pipelines/demo/schema';
import { loadSnapshot, readSnapshotRows } from '../../pipelines/delta/index';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { queryRows } from '../support/postgres';
import type { RunnerServices } from './services';

type Services = Pick<RunnerServices, 'storage' | 'mysql' | 'source'>;

const numeric = (a: string, b: string) => Number(a) - Number(b);

export async function mysqlKeys(services: Services, table: string, key: string): Promise<string[]> {
  const [rows] = await services.mysql.admin.query(`SELECT \`${key}\` AS k FROM \`${table}\` ORDER BY 1`);
  return (rows as { k: unknown }[]).map((row) => String(row.k));
}

export async function deltaKeys(services: Services, table: string, key: string): Promise<string[]> {
  const duckdb = await createDuckDbSession();
  try {
    const effects = { storage: services.storage, duckdb };
    const snapshot = await loadSnapshot(effects, `tables/${table}`);
    const rows = await readSnapshotRows(effects, snapshot, { columns: [key] });
    return rows.map((row) => String(row[key])).sort(numeric);
  } finally {
    duckdb.close();
  }
}

export async function sourceKeys(services: Services, table: string, key: string): Promise<string[]> {
  const rows = await queryRows<{ k: unknown }>(services.source.url, `SELECT "${key}" AS k FROM ${table}`);
  return rows.map((row) => String(row.k)).sort(numeric);
}

export async function assertMySqlEqualsDelta(services: Services): Promise<void> {
  for (const table of DEMO_TABLES) {
    const key = PRIMARY_KEYS[table];
    const delta = await deltaKeys(services, table, key);
    const mysql = await mysqlKeys(services, table, key);
    assert.ok(delta.length > 0, `${table} has rows in Delta`);
    assert.equal(mysql.length, delta.length, `${table}: MySQL and Delta row counts`);
    assert.deepEqual(mysql, delta, `${table}: MySQL and Delta hold the same keys`);
  }
}
