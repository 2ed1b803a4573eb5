// verify: does the MySQL table equal the Delta snapshot? Both sides compute, per row, a key text, a key bucket
// (3 hex digits of md5, 4096 buckets) and an md5 of canonical column text; bucket summaries (count + XOR of
// checksums) are compared first, and only differing buckets are fetched row by row to name the differing keys.

import { loadSnapshot, planScan } from '../delta/index';
import { buildBucketRowsSql, buildBucketSummarySql, buildChecksumSelect } from './duckdb-sql';
import { SyncError } from './errors';
import type { MySqlClient } from './mysql/connection';
import { buildMySqlBucketRowsSql, buildMySqlBucketSummarySql, buildMySqlChecksumSelect } from './mysql/dml';
import { tableExists } from './mysql/full-load';
import { assertTableName } from './mysql/identifiers';
import { readSyncState } from './mysql/sync-state';
import { mapDeltaSchema } from './mysql/type-mapping';
import type { SyncEffects } from './types';

export interface VerifyOptions {
  tableRoot: string;
  mysqlTable: string;
  keyColumns: string[];
  /** Delta version to compare with; default: the version the state row says MySQL holds, else the latest. */
  version?: number;
  /** Most differing keys to list (default 100). */
  maxKeys?: number;
}

export interface KeyDifference {
  /** Key values as text, in key column order. */
  key: (string | null)[];
  issue: 'missing-in-mysql' | 'extra-in-mysql' | 'different-values';
}

export interface VerifyResult {
  table: string;
  version: number;
  deltaRows: number;
  mysqlRows: number;
  equal: boolean;
  differingBuckets: number;
  differences: KeyDifference[];
  /** True when more keys differ than were listed. */
  truncated: boolean;
}

interface BucketSummary {
  bucket: string;
  row_count: unknown;
  xor_hash: unknown;
}

const MAX_BUCKETS_FETCHED = 64;

function splitKey(text: string): (string | null)[] {
  return text.split('\u001f').map((part) => (part === '\u001e' ? null : part));
}

async function readMySqlRows(
  client: MySqlClient,
  sql: string,
  params: unknown[],
): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  for await (const row of client.stream<{ key_text: string; row_hash: string }>(sql, params)) {
    rows.set(String(row.key_text), String(row.row_hash));
  }
  return rows;
}

export async function verifyTable(effects: SyncEffects, options: VerifyOptions): Promise<VerifyResult> {
  assertTableName(options.mysqlTable);
  const client = await effects.connect();
  try {
    if (!(await tableExists(client, options.mysqlTable))) {
      throw new SyncError('TABLE_NOT_SYNCED', `MySQL table '${options.mysqlTable}' does not exist`);
    }
    const state = await readSyncState(client, options.mysqlTable).catch(() => null);
    const version = options.version ?? state?.deltaVersion ?? undefined;
    const snapshot = await loadSnapshot(effects, options.tableRoot, version === undefined ? {} : { version });
    const columns =
      state?.columns ?? mapDeltaSchema(snapshot.schema, { keyColumns: options.keyColumns, valueLengths: {} });
    const plan = await planScan(effects, snapshot, { columns: columns.map((column) => column.name) });
    try {
      const deltaChecksums = buildChecksumSelect(plan.sql, columns, options.keyColumns);
      const mysqlChecksums = buildMySqlChecksumSelect(options.mysqlTable, columns, options.keyColumns);
      const deltaBuckets = (await effects.duckdb.queryJson(
        buildBucketSummarySql(deltaChecksums),
      )) as unknown as BucketSummary[];
      const mysqlBuckets = await client.query<BucketSummary>(buildMySqlBucketSummarySql(mysqlChecksums));
      const summary = (rows: BucketSummary[]) =>
        new Map(rows.map((row) => [String(row.bucket), `${String(row.row_count)}:${String(row.xor_hash)}`]));
      const deltaMap = summary(deltaBuckets);
      const mysqlMap = summary(mysqlBuckets);
      const count = (rows: BucketSummary[]) => rows.reduce((sum, row) => sum + Number(row.row_count), 0);
      const differing = [...new Set([...deltaMap.keys(), ...mysqlMap.keys()])]
        .filter((bucket) => deltaMap.get(bucket) !== mysqlMap.get(bucket))
        .sort();
      const maxKeys = options.maxKeys ?? 100;
      const differences: KeyDifference[] = [];
      let truncated = differing.length > MAX_BUCKETS_FETCHED;
      const fetched = differing.slice(0, MAX_BUCKETS_FETCHED);
      if (fetched.length > 0) {
        const deltaRows = new Map<string, string>();
        for (const row of await effects.duckdb.queryJson(buildBucketRowsSql(deltaChecksums, fetched))) {
          deltaRows.set(String(row.key_text), String(row.row_hash));
        }
        const mysqlRows = await readMySqlRows(
          client,
          buildMySqlBucketRowsSql(mysqlChecksums, fetched.length),
          fetched,
        );
        for (const [key, hash] of deltaRows) {
          const other = mysqlRows.get(key);
          if (other === undefined) differences.push({ key: splitKey(key), issue: 'missing-in-mysql' });
          else if (other !== hash) differences.push({ key: splitKey(key), issue: 'different-values' });
        }
        for (const key of mysqlRows.keys()) {
          if (!deltaRows.has(key)) differences.push({ key: splitKey(key), issue: 'extra-in-mysql' });
        }
      }
      if (differences.length > maxKeys) truncated = true;
      return {
        table: options.mysqlTable,
        version: snapshot.version,
        deltaRows: count(deltaBuckets),
        mysqlRows: count(mysqlBuckets),
        equal: differing.length === 0,
        differingBuckets: differing.length,
        differences: differences.slice(0, maxKeys),
        truncated,
      };
    } finally {
      await plan.release();
    }
  } finally {
    await client.close();
  }
}
