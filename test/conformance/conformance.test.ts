// Delta reader conformance: every table of ../shared/delta-conformance (see its MANIFEST.md) is read with our
// reader and compared with Spark's expected rows as multisets; negative tables must fail; log-only tables are
// checked for replay facts. Tables we cannot pass yet are listed, with a reason, in unsupported.ts only.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import type { ReadEffects } from '../../pipelines/delta/checkpoint';
import { isDeltaError } from '../../pipelines/delta/errors';
import { listLogFiles } from '../../pipelines/delta/log-files';
import { planScan } from '../../pipelines/delta/scan';
import { loadSnapshot } from '../../pipelines/delta/snapshot';
import { readCommitTimestamps } from '../../pipelines/delta/time-travel';
import { checkCheckpointMatchesCommits, LOG_FACTS } from './log-facts';
import { describeRowDifference, normalizeRows } from './normalize-rows';
import {
  discoverTables,
  listExpectedParquet,
  PARTITION_TIME_ZONES,
  type ConformanceTable,
  type RowCheck,
} from './tables';
import { UNSUPPORTED_TABLES } from './unsupported';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const conformanceDir = path.resolve(repoRoot, '..', 'shared', 'delta-conformance');

async function compareRows(effects: ReadEffects, table: ConformanceTable, check: RowCheck): Promise<void> {
  const snapshot = await loadSnapshot(
    effects,
    table.root,
    check.version === undefined ? {} : { version: check.version },
  );
  const metadataFile = path.join(path.dirname(check.expectedDir), 'table_version_metadata.json');
  if (existsSync(metadataFile)) {
    const expected = JSON.parse(readFileSync(metadataFile, 'utf8')) as { version: number };
    assert.equal(snapshot.version, expected.version, `${check.label}: snapshot version`);
  }
  const zone = PARTITION_TIME_ZONES[table.name];
  const plan = await planScan(effects, snapshot, zone ? { partitionTimeZone: zone } : {});
  try {
    const actual = await normalizeRows(effects.duckdb, plan.sql);
    const files = listExpectedParquet(check.expectedDir);
    const expectedSql = `SELECT * FROM read_parquet([${files.map(toSqlString).join(', ')}], hive_partitioning = false, union_by_name = true)`;
    const expected = files.length === 0 ? [] : await normalizeRows(effects.duckdb, expectedSql);
    const difference = describeRowDifference(actual, expected);
    assert.equal(difference, null, `${table.name} ${check.label}:\n${difference}`);
  } finally {
    await plan.release();
  }
}

/** Timestamp travel with commitInfo.timestamp (fixture mtimes are lost): each vN resolves back to N. */
async function checkTimestampTravel(effects: ReadEffects, table: ConformanceTable): Promise<void> {
  const log = await listLogFiles(effects.storage, table.root);
  const times = await readCommitTimestamps(effects, log, 'commitInfo');
  for (const check of table.rowChecks) {
    if (check.version === undefined) continue;
    const entry = times.find((time) => time.version === check.version);
    if (!entry) continue;
    const snapshot = await loadSnapshot(effects, table.root, {
      timestamp: entry.timestamp,
      timestampSource: 'commitInfo',
    });
    assert.equal(snapshot.version, check.version, `${table.name}: timestamp ${entry.timestamp} → version`);
  }
}

async function checkTable(effects: ReadEffects, table: ConformanceTable): Promise<void> {
  const code = table.negative;
  if (code) {
    await assert.rejects(
      async () => {
        const snapshot = await loadSnapshot(effects, table.root);
        const plan = await planScan(effects, snapshot);
        await plan.release();
      },
      (error: unknown) => isDeltaError(error, code),
      `${table.name} must fail with DeltaError ${code}`,
    );
    return;
  }
  for (const check of table.rowChecks) await compareRows(effects, table, check);
  if (table.name.startsWith('dat/')) await checkTimestampTravel(effects, table);
  const fact = LOG_FACTS[table.name];
  if (fact) await fact(effects, table.root);
  const checkpointChecked = await checkCheckpointMatchesCommits(effects, table.root);
  if (table.logFacts && !fact && !checkpointChecked) {
    assert.fail(`${table.name} has no expected rows and no log-fact check`);
  }
}

if (!existsSync(conformanceDir)) {
  test('delta conformance', { skip: `conformance tables not found at ${conformanceDir}` }, () => {});
} else {
  const tables = discoverTables(conformanceDir);
  const storage = new LocalLakeStorage(conformanceDir);
  let duckdb: DuckDbSession;
  before(async () => {
    duckdb = await createDuckDbSession();
  });
  after(() => duckdb.close());

  test('unsupported.ts lists only existing tables', () => {
    const names = new Set(tables.map((table) => table.name));
    for (const name of Object.keys(UNSUPPORTED_TABLES)) assert.ok(names.has(name), `unknown table ${name}`);
  });

  for (const table of tables) {
    const reason = UNSUPPORTED_TABLES[table.name];
    test(reason ? `${table.name} (unsupported: ${reason})` : table.name, async () => {
      const effects = { storage, duckdb };
      if (reason) {
        await assert.rejects(
          checkTable(effects, table),
          `${table.name} now passes: remove it from unsupported.ts`,
        );
      } else {
        await checkTable(effects, table);
      }
    });
  }
}
