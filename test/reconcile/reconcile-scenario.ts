// The reconcile scenario both real sources run (PostgreSQL and MariaDB): a mixed-type table loaded by a pipeline
// run, then broken against Delta in every way (a source update that leaves the watermark alone, a delete, an
// insert older than the watermark, a NULL where '' was, a Delta row corrupted by a direct merge). Reconcile must
// name exactly those keys; --repair fixes them in one pipelineRepair commit, MySQL follows, a second reconcile
// finds none, a repair of nothing writes nothing, and the next pipeline run is still incremental.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPipelineCli } from '../../pipelines/cli/pipeline';
import { createDuckDbSession } from '../../pipelines/engine/duckdb-session';
import { LocalLakeStorage } from '../../pipelines/lake/local-storage';
import { loadSnapshot, merge, planScan, readHistory } from '../../pipelines/delta';
import type { ReconcileTableResult } from '../../pipelines/reconcile/reconcile-result';
import { captureCli } from '../support/cli-output';

export interface ScenarioSource {
  kind: 'postgres' | 'mysql';
  url: string;
  /** Runs a statement on the source. */
  exec(sql: string): Promise<void>;
}

export interface ScenarioTarget {
  url: string;
  count(table: string): Promise<number>;
}

const TABLE = 'rc_items';
export const ROWS = 3_000;

function definitionYaml(kind: string): string {
  return `name: rc-${kind}
source:
  name: rc_${kind}
  connection:
    kind: ${kind}
    urlEnv: RC_SOURCE_URL
defaults:
  overlap: 1s
tables:
  - name: ${TABLE}
    primaryKey: [id]
    watermark: updated_at
    target: tables/rc_${kind}/${TABLE}
    sync:
      table: rc_${kind}_items
`;
}

interface ReconcileOutput {
  tables: ReconcileTableResult[];
  syncs: { table: string; error?: unknown }[];
}

export async function runReconcileScenario(source: ScenarioSource, target: ScenarioTarget): Promise<void> {
  const lake = await mkdtemp(path.join(tmpdir(), `reconcile-${source.kind}-`));
  const definition = path.join(lake, `rc-${source.kind}.pipeline.yaml`);
  await writeFile(definition, definitionYaml(source.kind));
  const env = { RC_SOURCE_URL: source.url, MYSQL_URL: target.url, LAKE_ROOT: lake };
  const cli = (argv: string[]) => captureCli((io) => runPipelineCli(argv, io, env));
  const reconcile = async (...extra: string[]): Promise<{ code: number; result: ReconcileTableResult }> => {
    const outcome = await cli(['reconcile', definition, '--json', ...extra]);
    assert.notEqual(outcome.code, 2, outcome.err);
    const parsed = JSON.parse(outcome.out) as ReconcileOutput;
    assert.deepEqual(
      parsed.syncs.filter((sync) => sync.error),
      [],
    );
    const result = parsed.tables[0] as ReconcileTableResult;
    assert.equal(result.error, undefined, result.error);
    return { code: outcome.code, result };
  };
  const storage = new LocalLakeStorage(lake);
  const duckdb = await createDuckDbSession();
  const deltaTarget = `tables/rc_${source.kind}/${TABLE}`;
  try {
    const first = await cli(['run', definition]);
    assert.equal(first.code, 0, first.err + first.out);

    const clean = await reconcile();
    assert.equal(clean.code, 0);
    assert.equal(clean.result.sourceRows, ROWS);
    assert.equal(clean.result.deltaRows, ROWS);
    assert.equal(clean.result.differingKeys, 0);
    assert.ok(clean.result.chunks >= 3, `rows are bucketed into chunks (${clean.result.chunks})`);
    assert.deepEqual(
      clean.result.columnsSkipped.map((column) => column.column),
      ['ratio'],
      'the double column is left out, and says so',
    );

    // Break Delta against the source in every way.
    await source.exec(`UPDATE ${TABLE} SET label = 'changed | quietly %N' WHERE id = 10`);
    await source.exec(`DELETE FROM ${TABLE} WHERE id = 20`);
    await source.exec(
      `INSERT INTO ${TABLE} (id, big, amount, label, born, seen_at, flag, ratio, updated_at) ` +
        `VALUES (100000, 1, 1.50, 'late', '2001-02-03', '1999-12-31 23:59:59.999999', true, 0.5, '2000-01-01 00:00:00')`,
    );
    await source.exec(`UPDATE ${TABLE} SET label = NULL WHERE id = 40`);
    await source.exec(`UPDATE ${TABLE} SET seen_at = '1969-07-20 20:17:40.000001' WHERE id = 50`);
    const before = await loadSnapshot({ storage, duckdb }, deltaTarget);
    const scan = await planScan({ storage, duckdb }, before);
    try {
      await merge(
        { storage, duckdb },
        deltaTarget,
        `SELECT * REPLACE (CAST(-0.01 AS DECIMAL(12,2)) AS amount) FROM (${scan.sql}) WHERE id = 30`,
        { keys: ['id'] },
      );
    } finally {
      await scan.release();
    }

    const broken = await reconcile();
    assert.equal(broken.code, 1, 'differing keys without --repair exit 1');
    assert.deepEqual(broken.result.keys.map((key) => `${key.key}:${key.issue}`).sort(), [
      '100000:missing_in_delta',
      '10:different',
      '20:missing_in_source',
      '30:different',
      '40:different',
      '50:different',
    ]);
    assert.equal(broken.result.sourceRows, ROWS);
    assert.equal(broken.result.deltaRows, ROWS);
    assert.equal(broken.result.differingKeys, 6);
    assert.equal(broken.result.repair, null, 'nothing written without --repair');
    assert.equal((await loadSnapshot({ storage, duckdb }, deltaTarget)).version, before.version + 1);

    const stateBefore = await cli(['plan', definition, '--json']);
    const planBefore = JSON.parse(stateBefore.out) as {
      action: string;
      watermarkFrom: string;
      runSequence: number;
      reason: string;
    }[];
    // The direct merge that corrupted a Delta row is a write outside a run: without a reconcile, a reload.
    assert.equal(planBefore[0]?.action, 'full');
    assert.match(planBefore[0]?.reason ?? '', /changed data outside a run/);

    const repaired = await reconcile('--repair');
    assert.equal(repaired.code, 0);
    assert.deepEqual(repaired.result.repair, {
      version: before.version + 2,
      rowsReextracted: 5,
      rowsDeleted: 1,
    });
    const [repairCommit] = await readHistory({ storage, duckdb }, deltaTarget, { limit: 1 });
    const info = repairCommit?.commitInfo?.pipelineRepair as Record<string, unknown> | undefined;
    assert.equal(info?.reason, 'reconcile');
    assert.equal(info?.table, TABLE);
    assert.equal(info?.rows, 6);
    assert.equal(repairCommit?.commitInfo?.pipelineRun, undefined, 'a repair is not a pipeline run');
    const afterRepair = await loadSnapshot({ storage, duckdb }, deltaTarget);
    assert.equal(afterRepair.txns.get(`rc-${source.kind}/${TABLE}/repair`)?.version, 1);
    assert.equal(await target.count(`rc_${source.kind}_items`), ROWS, 'MySQL followed the repair');

    const again = await reconcile();
    assert.equal(again.code, 0);
    assert.equal(again.result.differingKeys, 0, JSON.stringify(again.result.keys));

    const nothing = await reconcile('--repair');
    assert.deepEqual(nothing.result.repair, { version: null, rowsReextracted: 0, rowsDeleted: 0 });
    assert.equal(
      (await loadSnapshot({ storage, duckdb }, deltaTarget)).version,
      afterRepair.version,
      'nothing written',
    );

    // The repair compared every row and fixed the differences, the direct merge included: the next run plans
    // from the last run's watermark and sequence, incremental, not a reload.
    const planAfter = JSON.parse((await cli(['plan', definition, '--json'])).out) as typeof planBefore;
    assert.equal(planAfter[0]?.action, 'incremental');
    assert.equal(planAfter[0]?.runSequence, planBefore[0]?.runSequence);
    await source.exec(
      `UPDATE ${TABLE} SET label = 'next run', updated_at = '2030-01-01 00:00:00' WHERE id = 11`,
    );
    const next = await cli(['run', definition]);
    assert.equal(next.code, 0, next.err + next.out);
    assert.match(next.out, new RegExp(`${TABLE}: incremental \\(2 rows extracted\\)`));
    assert.equal((await reconcile()).result.differingKeys, 0);
  } finally {
    duckdb.close();
    await rm(lake, { recursive: true, force: true });
  }
}

/** Distinct per row, a minute apart: the overlap (1 s) re-reads only the newest row. */
function updatedAt(i: number): string {
  return new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString().replace('T', ' ').replace('.000Z', '');
}

/** Mixed values for row i: separators, '%N' text, unicode, '' and NULLs, pre-1970 and microsecond timestamps. */
export function seedValues(i: number): string {
  const labels = [`'plain ${i}'`, `'a|b%7C ${i}'`, `'%N'`, `'Ünïcödé ✓ ${i}'`, `''`, 'NULL'];
  const label = i === 40 ? `''` : (labels[i % labels.length] as string);
  const seen =
    i % 7 === 0
      ? 'NULL'
      : `'19${50 + (i % 49)}-0${1 + (i % 9)}-1${i % 10} 12:34:56.${String(i).padStart(6, '0')}'`;
  const flag = i % 5 === 0 ? 'NULL' : i % 2 === 0 ? 'true' : 'false';
  return (
    `(${i}, ${i % 9 === 0 ? 'NULL' : String(BigInt(i) * 1_000_000_007n)}, ${i % 11 === 0 ? 'NULL' : `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`}, ` +
    `${label}, ${i % 13 === 0 ? 'NULL' : `'20${String(10 + (i % 15))}-0${1 + (i % 9)}-2${i % 8}'`}, ${seen}, ${flag}, ${i / 7}, '${updatedAt(i)}')`
  );
}
