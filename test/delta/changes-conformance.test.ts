// The change feed against Spark's expected snapshots of the shared conformance set. None of its tables has change
// data files with expected changes (deltalog-getChanges' cdc action names a fake file), so every table is checked
// the other way round: the derived changes of versions 0..N, applied in order (inserts minus deletes), must give
// exactly Spark's expected rows at N, and no delete may remove a row that was never inserted.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openChangeFeed } from '../../pipelines/delta/changes';
import { isDeltaError, type DeltaErrorCode } from '../../pipelines/delta/errors';
import { listLogFiles } from '../../pipelines/delta/log-files';
import { createDuckDbSession, toSqlString, type DuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { describeRowDifference, normalizeRows } from '../conformance/normalize-rows';
import { discoverTables, listExpectedParquet, PARTITION_TIME_ZONES } from '../conformance/tables';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const conformanceDir = path.resolve(repoRoot, '..', 'shared', 'delta-conformance');

/** Tables whose changes from 0 cannot be checked this way, and why (the feed must refuse them with this code). */
const REFUSED: Readonly<Record<string, string>> = {
  // Partition columns change at v1: Spark refuses such a range too.
  'golden/time-travel-partition-changes-b': 'UNSUPPORTED_FEATURE',
  // Files of older versions are gone (vacuumed, or never written: the log names fake paths), as Spark reports too.
  'golden/deltalog-getChanges': 'READ_FAILED',
  'golden/log-replay-special-characters': 'READ_FAILED',
  'golden/log-replay-special-characters-a': 'READ_FAILED',
  'golden/snapshot-vacuumed': 'READ_FAILED',
};

if (!existsSync(conformanceDir)) {
  test('change feed conformance', { skip: `conformance tables not found at ${conformanceDir}` }, () => {});
} else {
  const storage = new LocalLakeStorage(conformanceDir);
  let duckdb: DuckDbSession;
  before(async () => {
    duckdb = await createDuckDbSession();
  });
  after(() => duckdb.close());

  const tables = discoverTables(conformanceDir).filter(
    (table) => !table.negative && table.rowChecks.length > 0 && !PARTITION_TIME_ZONES[table.name],
  );
  let checked = 0;
  for (const table of tables) {
    test(`changes of ${table.name} rebuild Spark's expected rows`, async (t) => {
      const effects = { storage, duckdb };
      const log = await listLogFiles(storage, table.root);
      if (!log.some((entry) => entry.kind === 'commit' && entry.version === 0)) {
        // Commits before a checkpoint were cleaned up: the feed must say so rather than guess.
        await assert.rejects(openChangeFeed(effects, table.root, { from: 0 }), (error: unknown) =>
          isDeltaError(error, 'VERSION_NOT_FOUND'),
        );
        t.diagnostic('log does not start at 0: refused with VERSION_NOT_FOUND');
        return;
      }
      const refused = REFUSED[table.name];
      for (const check of table.rowChecks) {
        // Time-travel chains compare against another table's expected rows at an older version: same rule.
        const feed = openChangeFeed(effects, table.root, {
          from: 0,
          ...(check.version === undefined ? {} : { to: check.version }),
        });
        if (refused) {
          await assert.rejects(
            (async () => {
              for await (const batch of (await feed).batches()) await batch.release();
            })(),
            (error: unknown) => isDeltaError(error, refused as DeltaErrorCode),
          );
          return;
        }
        const opened = await feed;
        await duckdb.run(`CREATE OR REPLACE TEMP TABLE changes AS ${opened.emptySql}`);
        for await (const batch of opened.batches()) {
          try {
            if (batch.sql) await duckdb.run(`INSERT INTO changes ${batch.sql}`);
          } finally {
            await batch.release();
          }
        }
        const columns = opened.columns
          .slice(0, -3)
          .map((name) => `"${name.replace(/"/g, '""')}"`)
          .join(', ');
        const added = `SELECT ${columns} FROM changes WHERE _change_type IN ('insert', 'update_postimage')`;
        const removed = `SELECT ${columns} FROM changes WHERE _change_type IN ('delete', 'update_preimage')`;
        const net = `(${added}) EXCEPT ALL (${removed})`;
        const counts = await duckdb.queryJson(
          `SELECT (SELECT count(*) FROM (${added})) AS added, (SELECT count(*) FROM (${removed})) AS removed, (SELECT count(*) FROM (${net})) AS net`,
        );
        const { added: a, removed: r, net: n } = counts[0] as Record<string, number>;
        assert.equal(
          Number(a) - Number(r),
          Number(n),
          `${table.name} ${check.label}: a delete matched no insert`,
        );
        const files = listExpectedParquet(check.expectedDir);
        const expected =
          files.length === 0
            ? []
            : await normalizeRows(
                duckdb,
                `SELECT * FROM read_parquet([${files.map(toSqlString).join(', ')}], hive_partitioning = false, union_by_name = true)`,
              );
        const actual = await normalizeRows(duckdb, net);
        const difference = describeRowDifference(actual, expected);
        assert.equal(difference, null, `${table.name} ${check.label}:\n${difference}`);
      }
      checked += 1;
    });
  }

  test('the change feed was checked against many conformance tables', () => {
    assert.ok(checked >= 50, `only ${checked} tables checked`);
  });
}
